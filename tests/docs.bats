#!/usr/bin/env bats
# One source for the options (issue #14): --help is generated from the
# option table in src/cli/options.c, and the man page, the README's option
# list and the bash completion must name the same options. Each test fails
# naming what is missing, or what a document names that the binary does not
# accept (its own options, or clamscan's, which it takes and ignores as
# clamdscan does: tests/data/clamdscan-options.tsv).
#
# No daemon is needed. The documents are read from the source tree
# ($BATS_TEST_DIRNAME/..), which also works under `make check` in a build
# directory and under `make distcheck` (they are all in the tarball).

bats_require_minimum_version 1.5.0

setup() {
    load lab
    TOP=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
    MAN=$TOP/man/clamdscan-ng.1
    README=$TOP/README.md
    COMPLETION=$TOP/completion/clamdscan-ng.bash
    OPTIONS_TSV=$TOP/tests/data/clamdscan-options.tsv
    for f in "$MAN" "$README" "$COMPLETION" "$OPTIONS_TSV"; do
        [[ -r $f ]] || { echo "cannot read $f"; return 1; }
    done
    HELP=$("$NG" --help) || { echo "$NG --help failed"; return 1; }
}

# ---- what each source names, one word per line, sorted -----------------------

# The long options --help prints (the table and the notes under it).
help_longs() {
    grep -oE -- '--[a-z][a-z-]*[a-z]' <<<"$HELP" | sort -u
}

# The short options of --help's table: the column after the long form.
help_shorts() {
    awk '$1 ~ /^--/ && $2 ~ /^-[A-Za-z]$/ { print $2 }' <<<"$HELP" | sort -u
}

# The exit statuses of --help's "Exit status:" paragraph (up to a blank line).
help_statuses() {
    sed -n '/^Exit status:/,/^$/p' <<<"$HELP" | grep -oE '(^|[ :,])[0-9]+ ' | grep -oE '[0-9]+' | sort -u
}

# The text of the man page's section NAME (.SH NAME up to the next .SH).
man_section() {
    awk -v want="$1" '
        /^\.SH / { name = $0; sub(/^\.SH +/, "", name); gsub(/"/, "", name); on = (name == want); next }
        on' "$MAN"
}

# Long options written \-\-name in text, as plain --name.
escaped_longs() {
    grep -oE '\\-\\-[a-z]+(\\-[a-z]+)*' | sed 's/\\-/-/g' | sort -u
}

# Short options written \-x in text, not part of a long one or a word.
escaped_shorts() {
    grep -oP '(?<![-A-Za-z0-9])\\-[A-Za-z](?![A-Za-z0-9])' | sed 's/\\-/-/' | sort -u
}

# The tags of the OPTIONS section's entries: the line after each .TP, where
# an option is introduced (a mention in another option's text is not one).
man_option_tags() {
    man_section OPTIONS | awk 'tag { print; tag = 0 } /^\.TP/ { tag = 1 }'
}

man_option_longs() { man_option_tags | escaped_longs; }
man_option_shorts() { man_option_tags | escaped_shorts; }

# Every long option the whole man page names, but configure's options.
man_all_longs() {
    grep -v 'configure' "$MAN" | escaped_longs
}

# The options the README's list introduces: the first cell of each row of
# the table in its "## Options" section.
readme_list_longs() {
    awk '/^## / { on = ($0 == "## Options"); next } on && /^\| / { print $2 }' FS='|' "$README" |
        grep -oE -- '--[a-z][a-z-]*[a-z]' | sort -u
}

# Every option the README names: its "## Options" section, and every
# example command.
readme_longs() {
    {
        awk '/^## / { on = ($0 == "## Options"); next } on' "$README"
        grep -E '^clamdscan-ng ' "$README"
    } | grep -oE -- '--[a-z][a-z-]*[a-z]' | sort -u
}

# The words the completion offers after "-" (every option), with the "="
# of options that take a value removed.
completion_words() {
    bash -c '
        source "$1" || exit 99
        COMP_WORDS=(clamdscan-ng -)
        COMP_CWORD=1
        COMP_LINE="clamdscan-ng -"
        COMP_POINT=${#COMP_LINE}
        _clamdscan_ng clamdscan-ng - clamdscan-ng
        printf "%s\n" "${COMPREPLY[@]}"
    ' complete "$COMPLETION" | sed 's/=$//' | sort -u
}

completion_longs() { completion_words | grep -E -- '^--'; }
completion_shorts() { completion_words | grep -E -- '^-[A-Za-z]$'; }

# What the binary accepts: its own options and clamscan's (ignored).
accepted_longs() {
    {
        help_longs
        awk -F'\t' '!/^#/ && $1 != "long" { print "--" $1 }' "$OPTIONS_TSV"
    } | sort -u
}

accepted_shorts() {
    {
        help_shorts
        awk -F'\t' '!/^#/ && $1 != "long" && $2 != "-" { print "-" $2 }' "$OPTIONS_TSV"
    } | sort -u
}

# Reads option words on stdin; prints those the binary does not accept.
# A word that is neither in --help nor one of clamscan's options may still
# be a beginning the binary resolves, as the man page's "--j" is clamscan's
# --jar: the binary is asked (with --help it parses every word and scans
# nothing; "x" is the value, or a target, that the word may take).
not_accepted() {
    local word
    comm -23 - <({ accepted_longs; accepted_shorts; } | sort -u) | while read -r word; do
        "$NG" --help "$word" x >/dev/null 2>&1 || echo "$word"
    done
}

# missing WHAT LIST_A LIST_B: fails naming each word of A that is not in B.
missing() {
    local what=$1 gone
    gone=$(comm -23 <(sort -u <<<"$2") <(sort -u <<<"$3"))
    if [[ -n $gone ]]; then
        echo "$what:"
        echo "$gone"
        return 1
    fi
}

# ---- the sources are read at all ---------------------------------------------

@test "docs: each source names options (so an empty extraction cannot pass)" {
    [ "$(help_longs | wc -l)" -ge 30 ]
    [ "$(help_shorts | wc -l)" -ge 10 ]
    [ "$(help_statuses | wc -l)" -ge 4 ]
    [ "$(man_option_longs | wc -l)" -ge 30 ]
    [ "$(man_option_shorts | wc -l)" -ge 10 ]
    [ "$(readme_list_longs | wc -l)" -ge 30 ]
    [ "$(completion_longs | wc -l)" -ge 30 ]
    [ "$(completion_shorts | wc -l)" -ge 10 ]
    [ "$(man_section 'EXIT STATUS' | wc -l)" -ge 4 ]
}

# ---- every option of --help is documented ----------------------------------------

@test "docs: every long option of --help has an entry in the man page's OPTIONS section" {
    missing "in --help, no entry (.TP tag) in the man page's OPTIONS (write it \\-\\-name)" \
        "$(help_longs)" "$(man_option_longs)"
}

@test "docs: every long option of --help is in the README's option list" {
    missing "in --help, not in the table of README.md's \"## Options\"" \
        "$(help_longs)" "$(readme_list_longs)"
}

@test "docs: every long option of --help is offered by the bash completion" {
    missing "in --help, not offered by completion/clamdscan-ng.bash" \
        "$(help_longs)" "$(completion_longs)"
}

@test "docs: every short option of --help has an entry in the man page's OPTIONS and is completed" {
    missing "in --help, no entry (.TP tag) in the man page's OPTIONS (write it \\-x)" \
        "$(help_shorts)" "$(man_option_shorts)"
    missing "in --help, not offered by completion/clamdscan-ng.bash" \
        "$(help_shorts)" "$(completion_shorts)"
}

@test "docs: every exit status of --help is in the man page's EXIT STATUS section" {
    local documented
    documented=$(man_section 'EXIT STATUS' | awk '/^\.TP/ { getline; if ($1 == ".B") print $2 }')
    missing "in --help's exit statuses, not in the man page's EXIT STATUS" \
        "$(help_statuses)" "$documented"
}

# ---- every option documented is one the binary takes ----------------------------

@test "docs: every long option the man page names is accepted by the binary" {
    missing "named in the man page, not accepted by the binary" \
        "$(man_all_longs | not_accepted)" ""
}

@test "docs: every long option the README lists or uses is accepted by the binary" {
    missing "named in README.md, not accepted by the binary" \
        "$(readme_longs | not_accepted)" ""
}

@test "docs: every long option the completion offers is accepted by the binary" {
    missing "offered by the completion, not accepted by the binary" \
        "$(completion_longs | not_accepted)" ""
}

@test "docs: every short option of the man page's OPTIONS and the completion is accepted" {
    missing "in the man page's OPTIONS, not accepted by the binary" \
        "$(man_option_shorts | not_accepted)" ""
    missing "offered by the completion, not accepted by the binary" \
        "$(completion_shorts | not_accepted)" ""
}

# ---- the man page's own form -------------------------------------------------------

@test "docs: the man page writes options as \\-\\-name, never a bare --name" {
    # a bare "-" is a hyphen to groff: printed as U+2010, it cannot be pasted
    run grep -nE -- '(^|[^\\])--[a-z]' "$MAN"
    assert_failure
    assert_output ""
}
