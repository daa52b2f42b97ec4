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
    if [[ $file == *.cpp ]]; then
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

# printf into a fixed buffer cuts text off without a word: services format with frame::format
# (frame/format.h), which returns a std::string that grows to fit, and need no <cstdio>.
while IFS= read -r -d '' file; do
    code=$(sed -e 's://.*$::' -e 's/"\([^"\\]\|\\.\)*"/""/g' "$file")
    while IFS= read -r hit; do
        [ -z "$hit" ] && continue
        report "$file" "printf into a buffer (use frame::format): $hit"
    done < <(printf '%s\n' "$code" | grep -nE '\bv?s(n)?printf\s*\(|#\s*include\s*<cstdio>')
done < <(find "$dir" -type f \( -name '*.cpp' -o -name '*.h' \) -print0)

# Raw frame views: a guest may map a frame and change it at any moment, so services copy
# through FrameReader/FrameWriter (frame/frame_io.h) and never hold the bytes in place.
while IFS= read -r -d '' file; do
    code=$(sed -e 's://.*$::' -e 's/"\([^"\\]\|\\.\)*"/""/g' "$file")
    while IFS= read -r hit; do
        [ -z "$hit" ] && continue
        report "$file" "raw frame view (copy through FrameReader/FrameWriter): $hit"
    done < <(printf '%s\n' "$code" | grep -nE '(\.|->)\s*bytes\s*\(\s*\)|\bframe_direct_bytes\b')
done < <(find "$dir" -type f \( -name '*.cpp' -o -name '*.h' \) -print0)

# Downcasts: only the unit that owns a class (its .h and .cpp, e.g. ram_fs.* for RamInode) may
# cast a base reference or pointer down to it, because only it knows that the object really is
# one. Anyone else asks through a virtual on the base, or an operation of the owning file system.
# There is no RTTI to catch a wrong guess, so a wrong static_cast is memory corruption.
owners_of() {
    grep -rlE --include='*.h' --include='*.cpp' \
        "^\s*(class|struct)\s+$1\b\s*(final\s*)?(:|\{|$)" "$dir" | sed -e 's:.*/::' -e 's:\.[^.]*$::' | sort -u
}
while IFS= read -r -d '' file; do
    code=$(sed -e 's://.*$::' -e 's/"\([^"\\]\|\\.\)*"/""/g' "$file")
    stem=$(basename "$file"); stem=${stem%.*}
    while IFS=: read -r line cast; do
        [ -z "$cast" ] && continue
        type=$(printf '%s\n' "$cast" | sed -E 's/^[a-z]+_cast<\s*(const\s+)?//; s/\s*[&*]+\s*>$//; s/.*:://')
        if ! owners_of "$type" | grep -qxF "$stem"; then
            report "$file" "downcast to $type outside the unit that owns it (line $line): $cast"
        fi
    done < <(printf '%s\n' "$code" | grep -noE '\b(static|dynamic)_cast<\s*(const\s+)?[A-Za-z_0-9:]*[A-Z][A-Za-z_0-9]*\s*[&*]+\s*>')
done < <(find "$dir" -type f \( -name '*.cpp' -o -name '*.h' \) -print0)

files=$(find "$dir" -type f \( -name '*.cpp' -o -name '*.h' \) | wc -l)
if [ "$violations" -gt 0 ]; then
    echo "boundary: $violations violation(s) in $files files"
    exit 1
fi
echo "boundary: $files files of $dir use only the frame's safe API"
