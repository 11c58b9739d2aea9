#!/usr/bin/perl -T
# amavis.pl: drives amavisd-new's own scanner code, Amavis::AV::run_av from
# the Debian package amavisd-new 2.13.0 (loaded from the extracted package),
# with the "ClamAV-clamdscan" entry of upstream amavisd.conf's
# @av_scanners_backup (commented out there; enabled by copying it):
#   ['ClamAV-clamdscan', 'clamdscan',
#     "--stdout --no-summary --config-file=/etc/clamd-client.conf {}",
#     [0], qr/:.*\sFOUND$/m, qr/^.*?: (?!Infected Archive)(.*) FOUND$/m ],
# with the program path (amavisd finds it on its $path) and the config file
# replaced by the ones under test.  run_av execs the program directly (no
# shell), stdin </dev/null, stderr into stdout, cwd TEMPDIR/parts, and {}
# becomes TEMPDIR/parts.
#
# usage: perl -T -I AMAVIS_LIB amavis.pl TEMPDIR [GO]
# env:   CALLER_BIN, CALLER_CONF
# Prints "decision: infected|clean|error", "virus: NAME" per name,
# "detail: ..."; GO as in mimedefang.pl.
use strict;
use warnings;
use Exporter ();   # Amavis::Conf calls Exporter::export_tags at compile time
use Amavis::Conf qw(:platform :confvars c cr ca);
use Amavis::Util qw(switch_to_my_time);
use Amavis::AV;

$| = 1;
$ENV{PATH} = '/usr/bin:/bin';
sub untaint_arg { my ($v) = @_; $v =~ /^(.*)\z/s; return $1 }
my $tempdir = untaint_arg($ARGV[0] // die "usage: $0 TEMPDIR [GO]\n");
my $go = defined $ARGV[1] ? untaint_arg($ARGV[1]) : undef;
my $bin  = untaint_arg($ENV{CALLER_BIN}  // die "CALLER_BIN unset\n");
my $conf = untaint_arg($ENV{CALLER_CONF} // die "CALLER_CONF unset\n");

my @entry = ('ClamAV-clamdscan', $bin,
    "--stdout --no-summary --config-file=$conf {}",
    [0], qr/:.*\sFOUND$/m, qr/^.*?: (?!Infected Archive)(.*) FOUND$/m);

sub scan_once {
    opendir(my $d, "$tempdir/parts") or die "$tempdir/parts: $!\n";
    my @parts = map { untaint_arg($_) } grep { !/^\.\.?\z/ } readdir $d;
    closedir $d;
    switch_to_my_time('caller test');   # the per-message timer amavisd starts
    my ($status, $output, $names);
    my $ok = eval { ($status, $output, $names) = Amavis::AV::run_av(\@parts, {}, $tempdir, @entry); 1 };
    alarm(0);
    # virus_scan: a true status is a virus, 0 clean; a die (or undef) is a
    # scanner failure: the message is tempfailed, never passed as clean.
    if (!$ok || !defined $status) {
        my $err = $ok ? 'undefined status' : $@;
        $err =~ s/\n/\\n/g;
        print "decision: error\ndetail: $err\n";
        return;
    }
    if ($status) {
        print "decision: infected\n";
        print "virus: $_\n" for @$names;
    } else {
        print "decision: clean\n";
    }
    $output =~ s/\n/\\n/g;
    print "detail: $output\n";
}

scan_once();
if (defined $go) {
    print "---\n";
    open(my $w, '>', "$go.waiting") or die "$go.waiting: $!\n";
    close $w;
    for (my $i = 0; $i < 600 && ! -e $go; $i++) { select(undef, undef, undef, 0.1) }
    die "no $go after 60 s\n" unless -e $go;
    scan_once();
}
