# bash completion for clamdscan-ng                        -*- shell-script -*-
# Installed as $(datadir)/bash-completion/completions/clamdscan-ng; works
# with or without the bash-completion package (plain compgen otherwise).

_clamdscan_ng()
{
    local cur prev words cword split=false
    if declare -F _init_completion >/dev/null; then
        _init_completion -s || return
    else
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD - 1]}
        # --opt=value: bash splits at "=" (COMP_WORDBREAKS), or it does not
        if [[ $cur == = ]]; then
            cur=
        elif [[ $prev == = && $COMP_CWORD -ge 2 ]]; then
            prev=${COMP_WORDS[COMP_CWORD - 2]}
        elif [[ $cur == --*=* ]]; then
            prev=${cur%%=*}
            cur=${cur#*=}
            split=true
        fi
    fi

    local IFS=$'\n'
    case $prev in
        --move | --copy | --database | --sarif-root)
            COMPREPLY=($(compgen -d -- "$cur"))
            return
            ;;
        -c | --config-file | -l | --log | -f | --file-list | --socket | --sarif | --junit | --metrics)
            COMPREPLY=($(compgen -f -- "$cur"))
            return
            ;;
        --host | --pool | --pool-refresh | -p | --ping | --timeout | --max-inflight | --max-db-age | --shard | --exclude | --exclude-dir | --include | --include-dir)
            # a value to type: nothing sensible to offer
            COMPREPLY=()
            return
            ;;
    esac
    $split && return

    if [[ $cur == -* ]]; then
        local opts="--help --version --verbose --quiet --stdout --config-file= --log=
--file-list= --ping= --wait --multiscan --allmatch --remove --move= --copy=
--no-summary --reload --infected --fdpass --stream --timeout= --max-inflight=
--local --local-fallback --database= --socket= --host= --pool= --pool-refresh= --progress --no-progress
--json --sarif= --junit= --shard= --sarif-root= --max-db-age= --fail-on-limits --metrics= --stats --selfcheck --exclude= --exclude-dir=
--include= --include-dir= --recursive -h -V -v -c -l -f -p -w -m -z -i"
        IFS=$' \n'
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        # no space after an option that takes its value after "="
        [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
        return
    fi
    # the targets: files and directories
    COMPREPLY=($(compgen -f -- "$cur"))
} &&
    complete -o filenames -F _clamdscan_ng clamdscan-ng
