#!/usr/bin/perl
# mimedefang.pl: drives MIMEDefang's own clamdscan code (Debian mimedefang 3.3,
# Mail/MIMEDefang/Antivirus.pm, loaded from the extracted package) the way a
# mimedefang-filter does in filter_begin / filter:
#   message_contains_virus()  runs  BIN -c CONF --no-summary --infected
#                                   --fdpass --stream ./Work 2>&1
#                             in the message's spool directory (the cwd);
#   entity_contains_virus(E)  runs the same on the part's body path.
# The binary and the config come in as MIMEDefang's %Features, as mimedefang.pl
# sets them ($Features{'Virus:CLAMDSCAN'}, $Features{'Path:CLAMDCONF'}).
#
# usage: mimedefang.pl message SPOOLDIR [GO] | entity FILE [GO]
# env:   CALLER_BIN (the clamdscan under test), CALLER_CONF
# Prints the decision: "decision: infected|clean|error", "virus: NAME",
# "detail: ..."; with GO, scans, prints "---", creates GO.waiting, waits for
# GO to exist (the test starts clamd meanwhile) and scans again in the same
# process, as a long-lived MIMEDefang worker would.
use strict;
use warnings;
use Mail::MIMEDefang;
use Mail::MIMEDefang::Antivirus;
use MIME::Entity;

my ($mode, $target, $go) = @ARGV;
die "usage: $0 message|entity TARGET [GO]\n" unless defined $target;

$Features{'Virus:CLAMDSCAN'} = $ENV{CALLER_BIN} or die "CALLER_BIN unset\n";
$Features{'Path:CLAMDCONF'}  = $ENV{CALLER_CONF} or die "CALLER_CONF unset\n";
$InMessageContext = 1;

sub scan_once {
    my ($code, $category, $action);
    $VirusName = '';
    if ($mode eq 'message') {
        chdir $target or die "chdir $target: $!\n";
        ($code, $category, $action) = message_contains_virus();
    } elsif ($mode eq 'entity') {
        my $e = MIME::Entity->build(Type => 'application/octet-stream',
                                    Path => $target, Encoding => 'base64');
        ($code, $category, $action) = entity_contains_virus($e);
    } else {
        die "unknown mode $mode\n";
    }
    # What the filter decides: 'virus' quarantines/rejects, 'ok' passes,
    # anything else (swerr/tempfail) is a temporary failure.
    my $decision = $category eq 'virus' ? 'infected'
                 : $category eq 'ok'    ? 'clean' : 'error';
    print "decision: $decision\n";
    print "virus: $VirusName\n" if $decision eq 'infected';
    my $msg = $CurrentVirusScannerMessage // '';
    $msg =~ s/\n/\\n/g;
    print "detail: code=$code category=$category action=$action output=$msg\n";
}

$| = 1;
scan_once();
if (defined $go) {
    print "---\n";
    open(my $w, '>', "$go.waiting") or die "$go.waiting: $!\n";
    close $w;
    for (my $i = 0; $i < 600 && ! -e $go; $i++) { select(undef, undef, undef, 0.1) }
    die "no $go after 60 s\n" unless -e $go;
    scan_once();
}
