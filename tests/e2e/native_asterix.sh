#!/usr/bin/env bash
# A stand-in for the asterix binary that runs the program natively, with asterix's command line.
# It checks the e2e scripts themselves: a case that fails under it is a bug in the test.
#
#   tests/e2e/coreutils.sh tests/e2e/native_asterix.sh
#   tests/e2e/fs_bad_input.sh tests/e2e/native_asterix.sh /tmp
#
# run [--root DIR] [--read-only] [--tmpfs PATH] [--cwd DIR] [--env K=V] [--unset-env K]
#     [--mem SIZE] [--log LEVEL] [--strace[=FILE]] [--] PROGRAM [ARGS...]
# --mem, --log and --strace are accepted and ignored. --root is a chroot (unshare --root);
# --read-only and --tmpfs mount in a private mount namespace: those three need root.
# The working directory follows asterix's rule: --cwd (a path inside the root), else our own
# when it is inside the root, else the root. The program gets the environment this script got,
# not bash's additions to it (PWD, SHLVL, OLDPWD).
set -u
environment=()
[ -r /proc/$$/environ ] && mapfile -d '' environment </proc/$$/environ

# set_env K=V / unset_env K: edit the program's environment.
unset_env() {
    local kept=() kv
    for kv in "${environment[@]}"; do
        [ "${kv%%=*}" = "$1" ] || kept+=("$kv")
    done
    environment=("${kept[@]}")
}
set_env() {
    unset_env "${1%%=*}"
    environment+=("$1")
}

usage() {
    echo "usage: $0 run [OPTIONS] [--] PROGRAM [ARGS...]" >&2
    exit 2
}
[ "${1:-}" = run ] || usage
shift
root=/ read_only=0 cwd='' tmpfs=()
while [ $# -gt 0 ]; do
    case $1 in
        --root) root=$2 && shift 2 ;;
        --read-only) read_only=1 && shift ;;
        --tmpfs) tmpfs+=("$2") && shift 2 ;;
        --cwd) cwd=$2 && shift 2 ;;
        --env) set_env "$2" && shift 2 ;;
        --unset-env) unset_env "$2" && shift 2 ;;
        --mem | --log) shift 2 ;;
        --strace | --strace=*) shift ;;
        --) shift && break ;;
        -*) echo "native_asterix: unknown option '$1'" >&2 && exit 2 ;;
        *) break ;;
    esac
done
[ $# -gt 0 ] || usage
root=$(cd "$root" && pwd -P) || exit 2
if [ -z "$cwd" ]; then
    here=$(pwd -P)
    if [ "$root" = / ]; then
        cwd=$here
    elif [ "$here" = "$root" ]; then
        cwd=/
    elif [ "${here#"$root"/}" != "$here" ]; then
        cwd=/${here#"$root"/}
    else
        cwd=/
    fi
fi

program=(env -i "${environment[@]}")
if [ "$root" = / ]; then
    cd "$cwd" || exit 2
else
    program+=(unshare --root="$root" --wd="$cwd")
fi
program+=("$@")
[ "$read_only" = 0 ] && [ ${#tmpfs[@]} -eq 0 ] && exec "${program[@]}"

# A private mount namespace: the root bound read-only onto itself, then the tmpfs mounts.
# shellcheck disable=SC2016 # expanded by the inner bash
setup='set -e
root=$1 read_only=$2 ntmpfs=$3
shift 3
if [ "$read_only" = 1 ]; then
    mount --rbind "$root" "$root"
    mount -o remount,bind,ro "$root"
fi
while [ "$ntmpfs" -gt 0 ]; do
    mount -t tmpfs tmpfs "${root%/}$1"
    shift
    ntmpfs=$((ntmpfs - 1))
done
exec "$@"'
exec unshare -m bash -c "$setup" native-asterix "$root" "$read_only" "${#tmpfs[@]}" \
    "${tmpfs[@]}" "${program[@]}"
