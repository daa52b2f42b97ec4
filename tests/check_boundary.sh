#!/usr/bin/env bash
# The framekernel boundary (DESIGN.md, "Rules that keep the boundary real"): src/services may use
# only the frame's public headers, its own headers and freestanding-safe standard headers, and
# none of the raw constructs that belong in the frame. Exit 1 and list every violation.
#   check_boundary.sh SERVICES_DIR
set -u
dir=${1:?usage: check_boundary.sh SERVICES_DIR}
[ -d "$dir" ] || { echo "no such directory: $dir" >&2; exit 2; }

# Standard headers services may include (header-level std, no host, threads or iostreams).
allowed_std='algorithm|array|bit|bitset|cctype|cinttypes|climits|concepts|cstddef|cstdint|cstdio|cstring|deque|functional|initializer_list|iterator|limits|map|memory|numeric|optional|set|span|string|string_view|tuple|type_traits|unordered_map|unordered_set|utility|variant|vector'
# Frame headers that are backend-facing, not the public API.
private_frame='frame/(arch|internal)\.h'

# Linux ABI constants live in services/abi/, one header per uapi header (signal.h, fcntl.h, ...),
# so each is defined once and checked against Linux once. A .cpp file that defines a constant
# named the way Linux's uapi names them (O_*, AT_*, SIG*, SA_*, MAP_*, CLONE_*, TC*/TIOC*, ...)
# has grown a private copy; it should include the abi header instead (and add the constant there).
abi_name='(o|at|sig|sa|ss|si|cld|segv|bus|map|prot|madv|mremap|ms|clone|futex|robust_list|rlimit|rlim|rusage|prio|f|fd|close_range|fio|poll|rwf|rename|resolve|s_i|dt|utime|statx|seek|clock|timer|itimer|grnd|rseq|pr|arch|uc|fp_xstate|eflags|p|nr)_[a-z0-9_]+'
abi_name+='|(sig|tc|tioc|fio|poll)[a-z0-9_]*|minsigstksz|csignal|[rwxf]_ok'
abi_name+='|w(nohang|untraced|stopped|exited|continued|nowait|nothread|all|clone)'
abi_name+='|[ioc](strip|nlcr|gncr|crnl|xon|xany|utf8|post|s8|read|local)|l?(isig|icanon|iexten)|echo[a-z_]*|noflsh|b[0-9]+'
abi_constant="^\s*(static\s+|inline\s+)*constexpr\s+(const\s+)?(int|unsigned|long|u8|u16|u32|u64|i8|i16|i32|i64|usize|isize|auto)\s+($abi_name)\s*[={]"
# FIXME: files other work is moving onto services/abi right now; remove each once it has.
abi_pending='syscalls/(open|namei|attr|stat|execve)\.cpp|fs/(line_discipline|console_file)\.cpp'

violations=0
report() {
    echo "boundary: $1: $2"
    violations=$((violations + 1))
}

while IFS= read -r -d '' file; do
    # Strip // comments and string literals so that prose does not trip the checks.
    code=$(sed -e 's://.*$::' -e 's/"\([^"\\]\|\\.\)*"/""/g' "$file")
    while IFS= read -r line; do
        [ -z "$line" ] && continue
        report "$file" "forbidden include: $line"
    done < <(grep -E '^\s*#\s*include' "$file" |
        grep -Ev "^\s*#\s*include\s*<($allowed_std)>" |
        grep -Ev '^\s*#\s*include\s*"(frame|services)/' )
    while IFS= read -r line; do
        [ -z "$line" ] && continue
        report "$file" "private frame header: $line"
    done < <(grep -E "^\s*#\s*include\s*\"$private_frame\"" "$file")
    checks=(
        'reinterpret_cast|reinterpret_cast'
        'const_cast|const_cast'
        '\basm\b|__asm__|inline assembly'
        '\b(memcpy|memmove|memset|malloc|calloc|realloc|free|strcpy|strcat|sprintf)\s*\(|raw memory function'
        '(^|[^=]\s)new\s+[A-Za-z_]|raw new'
        '\bdelete\s+[A-Za-z_(]|\bdelete\s*\[|raw delete'
        '\b(syscall|ptrace|mmap|ioctl|open|fork)\s*\(\s*[A-Z_0-9]+\s*,|host call'
        '\(\s*(const\s+)?(void|char|u8|u16|u32|u64|i8|i16|i32|i64|int|long|unsigned|short|usize|isize)\s*\*?\s*\)\s*[A-Za-z_(0-9]|C-style cast'
        '\.data\(\)\s*[-+]|pointer arithmetic on .data()'
        '(^|[^t]\s)(u8|char|void)\s*\*\s*[A-Za-z_]+\s*=|raw pointer to bytes'
    )
    if [[ $file == *.cpp ]] && ! [[ $file =~ ($abi_pending)$ ]]; then
        while IFS= read -r hit; do
            [ -z "$hit" ] && continue
            report "$file" "ABI constant outside services/abi (include its header): $hit"
        done < <(printf '%s\n' "$code" | grep -nE "$abi_constant")
    fi
    for check in "${checks[@]}"; do
        pattern=${check%|*}
        what=${check##*|}
        while IFS= read -r hit; do
            [ -z "$hit" ] && continue
            report "$file" "$what: $hit"
        done < <(printf '%s\n' "$code" | grep -nE "$pattern")
    done
done < <(find "$dir" -type f \( -name '*.cpp' -o -name '*.h' \) -print0)

files=$(find "$dir" -type f \( -name '*.cpp' -o -name '*.h' \) | wc -l)
if [ "$violations" -gt 0 ]; then
    echo "boundary: $violations violation(s) in $files files"
    exit 1
fi
echo "boundary: $files files of $dir use only the frame's safe API"
