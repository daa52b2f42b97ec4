// The vDSO: AT_SYSINFO_EHDR points at an ELF image whose dynamic symbols, under the version
// LINUX_2.6, include __vdso_clock_gettime and its siblings; its clocks agree with the
// clock_gettime syscall (neither ever runs behind a time the other returned before), its
// [vvar] data page cannot be made writable or written, and glibc's clock_gettime goes through
// it (the cost of a million calls is printed, never asserted: no test assumes a CPU speed).
#include "check.h"
#include <elf.h>
#include <signal.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <sys/time.h>
#include <unistd.h>

typedef int (*clock_gettime_fn)(clockid_t, struct timespec *);
typedef int (*gettimeofday_fn)(struct timeval *, void *);
typedef time_t (*time_fn)(time_t *);
typedef int (*clock_getres_fn)(clockid_t, struct timespec *);
typedef long (*getcpu_fn)(unsigned *, unsigned *, void *);

static uintptr_t g_bias;
static const Elf64_Sym *g_symtab;
static const char *g_strtab;
static const Elf64_Half *g_versym;
static const Elf64_Verdef *g_verdef;
static size_t g_symbols;

static void parse_vdso(uintptr_t base)
{
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)base;
    CHECK(memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0);
    CHECK(eh->e_ident[EI_CLASS] == ELFCLASS64 && eh->e_type == ET_DYN && eh->e_machine == EM_X86_64);
    const Elf64_Phdr *ph = (const Elf64_Phdr *)(base + eh->e_phoff);
    const Elf64_Dyn *dynamic = NULL;
    int has_load = 0;
    for (int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD && !has_load) {
            g_bias = base + ph[i].p_offset - ph[i].p_vaddr;
            has_load = 1;
            CHECK(!(ph[i].p_flags & PF_W)); /* every process shares these pages */
        } else if (ph[i].p_type == PT_DYNAMIC) {
            dynamic = (const Elf64_Dyn *)(base + ph[i].p_offset);
        }
    }
    CHECK(has_load && dynamic != NULL);
    const Elf64_Word *hash = NULL;
    for (const Elf64_Dyn *d = dynamic; d->d_tag != DT_NULL; d++) {
        uintptr_t at = g_bias + d->d_un.d_ptr;
        switch (d->d_tag) {
        case DT_SYMTAB: g_symtab = (const Elf64_Sym *)at; break;
        case DT_STRTAB: g_strtab = (const char *)at; break;
        case DT_HASH: hash = (const Elf64_Word *)at; break;
        case DT_VERSYM: g_versym = (const Elf64_Half *)at; break;
        case DT_VERDEF: g_verdef = (const Elf64_Verdef *)at; break;
        }
    }
    CHECK(g_symtab && g_strtab && hash && g_versym && g_verdef);
    g_symbols = hash[1]; /* nchain: one entry per symbol */
}

/* The symbol's address, when it is defined with version `version`. */
static void *vdso_symbol(const char *name, const char *version)
{
    for (size_t i = 0; i < g_symbols; i++) {
        const Elf64_Sym *sym = &g_symtab[i];
        if (sym->st_shndx == SHN_UNDEF || strcmp(g_strtab + sym->st_name, name) != 0)
            continue;
        unsigned index = g_versym[i] & 0x7fff;
        for (const Elf64_Verdef *def = g_verdef;; def = (const Elf64_Verdef *)((const char *)def + def->vd_next)) {
            const Elf64_Verdaux *aux = (const Elf64_Verdaux *)((const char *)def + def->vd_aux);
            if (def->vd_ndx == index && !(def->vd_flags & VER_FLG_BASE) && strcmp(g_strtab + aux->vda_name, version) == 0)
                return (void *)(g_bias + sym->st_value);
            if (def->vd_next == 0)
                break;
        }
    }
    return NULL;
}

static uint64_t ns_of(struct timespec ts) { return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec; }

static uint64_t syscall_ns(clockid_t clock)
{
    struct timespec ts;
    CHECK(syscall(SYS_clock_gettime, clock, &ts) == 0);
    return ns_of(ts);
}

/* Alternates the vDSO and the syscall: the times never go back, whichever answered. */
static void check_agrees(clock_gettime_fn vdso_gettime, clockid_t clock, const char *name, int rounds)
{
    uint64_t last = 0;
    for (int i = 0; i < rounds; i++) {
        struct timespec ts;
        CHECK(vdso_gettime(clock, &ts) == 0);
        CHECK(ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000);
        uint64_t from_vdso = ns_of(ts);
        if (from_vdso < last) {
            fprintf(stderr, "%s: the vDSO gave %llu after the syscall's %llu\n", name,
                    (unsigned long long)from_vdso, (unsigned long long)last);
            exit(1);
        }
        uint64_t from_syscall = syscall_ns(clock);
        if (from_syscall < from_vdso) {
            fprintf(stderr, "%s: the syscall gave %llu after the vDSO's %llu\n", name,
                    (unsigned long long)from_syscall, (unsigned long long)from_vdso);
            exit(1);
        }
        last = from_syscall;
    }
}

/* The [vvar] and [vdso] lines of /proc/self/maps; 0 when there is no procfs. */
static int find_maps(uintptr_t *vvar_start, uintptr_t *vvar_end, uintptr_t *vdso_start, uintptr_t *vdso_end)
{
    FILE *maps = fopen("/proc/self/maps", "r");
    if (!maps)
        return 0;
    char line[512];
    *vvar_start = *vdso_start = 0;
    while (fgets(line, sizeof line, maps)) {
        unsigned long start, end;
        if (sscanf(line, "%lx-%lx", &start, &end) != 2)
            continue;
        if (strstr(line, "[vvar]") && !strstr(line, "[vvar_vclock]"))
            *vvar_start = start, *vvar_end = end;
        if (strstr(line, "[vdso]"))
            *vdso_start = start, *vdso_end = end;
    }
    fclose(maps);
    return 1;
}

int main(void)
{
    errno = 0;
    uintptr_t base = getauxval(AT_SYSINFO_EHDR);
    CHECK(base != 0 && errno == 0);
    parse_vdso(base);
    clock_gettime_fn vdso_gettime = (clock_gettime_fn)vdso_symbol("__vdso_clock_gettime", "LINUX_2.6");
    gettimeofday_fn vdso_gettimeofday = (gettimeofday_fn)vdso_symbol("__vdso_gettimeofday", "LINUX_2.6");
    time_fn vdso_time = (time_fn)vdso_symbol("__vdso_time", "LINUX_2.6");
    clock_getres_fn vdso_getres = (clock_getres_fn)vdso_symbol("__vdso_clock_getres", "LINUX_2.6");
    getcpu_fn vdso_getcpu = (getcpu_fn)vdso_symbol("__vdso_getcpu", "LINUX_2.6");
    CHECK(vdso_gettime && vdso_gettimeofday && vdso_time && vdso_getres && vdso_getcpu);
    CHECK(vdso_symbol("__vdso_clock_gettime", "LINUX_2.5") == NULL);

    static const struct {
        clockid_t id;
        const char *name;
    } clocks[] = {
        {CLOCK_MONOTONIC, "CLOCK_MONOTONIC"},
        {CLOCK_MONOTONIC_RAW, "CLOCK_MONOTONIC_RAW"},
        {CLOCK_BOOTTIME, "CLOCK_BOOTTIME"},
        {CLOCK_MONOTONIC_COARSE, "CLOCK_MONOTONIC_COARSE"},
        {CLOCK_REALTIME, "CLOCK_REALTIME"},
        {CLOCK_REALTIME_COARSE, "CLOCK_REALTIME_COARSE"},
        {CLOCK_TAI, "CLOCK_TAI"},
    };
    for (size_t i = 0; i < sizeof clocks / sizeof clocks[0]; i++)
        check_agrees(vdso_gettime, clocks[i].id, clocks[i].name, 3000);

    /* Many vDSO calls in a row: never backwards. */
    uint64_t last = 0;
    for (int i = 0; i < 200000; i++) {
        struct timespec ts;
        CHECK(vdso_gettime(CLOCK_MONOTONIC, &ts) == 0);
        CHECK(ns_of(ts) >= last);
        last = ns_of(ts);
    }

    /* The CPU-time clocks go to the syscall; an unknown clock is the syscall's -EINVAL. */
    struct timespec ts;
    CHECK(vdso_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) == 0 && ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000);
    CHECK(vdso_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0);
    CHECK(vdso_gettime(1234, &ts) == -EINVAL);

    /* gettimeofday and time agree with CLOCK_REALTIME. */
    struct timeval tv;
    uint64_t before = syscall_ns(CLOCK_REALTIME);
    CHECK(vdso_gettimeofday(&tv, NULL) == 0);
    uint64_t after = syscall_ns(CLOCK_REALTIME);
    uint64_t tv_ns = (uint64_t)tv.tv_sec * 1000000000ull + (uint64_t)tv.tv_usec * 1000;
    CHECK(tv_ns + 1000 > before && tv_ns <= after);
    time_t seconds_out = 0;
    time_t seconds = vdso_time(&seconds_out);
    CHECK(seconds == seconds_out);
    CHECK((uint64_t)seconds >= before / 1000000000ull && (uint64_t)seconds <= syscall_ns(CLOCK_REALTIME) / 1000000000ull);

    struct timespec res, sys_res;
    CHECK(vdso_getres(CLOCK_MONOTONIC, &res) == 0);
    CHECK(syscall(SYS_clock_getres, CLOCK_MONOTONIC, &sys_res) == 0);
    CHECK(res.tv_sec == sys_res.tv_sec && res.tv_nsec == sys_res.tv_nsec);
    CHECK(vdso_getres(CLOCK_MONOTONIC_COARSE, &res) == 0);
    CHECK(syscall(SYS_clock_getres, CLOCK_MONOTONIC_COARSE, &sys_res) == 0);
    CHECK(res.tv_sec == sys_res.tv_sec && res.tv_nsec == sys_res.tv_nsec && res.tv_nsec > 0);
    CHECK(vdso_getres(1234, &res) == -EINVAL);

    unsigned cpu = ~0u, node = ~0u;
    CHECK(vdso_getcpu(&cpu, &node, NULL) == 0);
    CHECK(cpu < 4096 && node < 1024);

    /* [vdso] starts at AT_SYSINFO_EHDR; [vvar] cannot become writable, and a write kills. */
    uintptr_t vvar_start = 0, vvar_end = 0, vdso_start = 0, vdso_end = 0;
    if (find_maps(&vvar_start, &vvar_end, &vdso_start, &vdso_end)) {
        CHECK(vdso_start == base && vdso_end > base);
        CHECK(vvar_start != 0 && vvar_end <= vdso_start);
        CHECK_ERR(mprotect((void *)vvar_start, 4096, PROT_READ | PROT_WRITE), EACCES);
        CHECK_ERR(mprotect((void *)vvar_start, 4096, PROT_READ | PROT_EXEC), EACCES);
        /* Special mappings never grow. */
        CHECK(mremap((void *)vdso_start, vdso_end - vdso_start, vdso_end - vdso_start + 4096, 0) == MAP_FAILED && errno == EFAULT);
        pid_t child = fork();
        CHECK(child >= 0);
        if (child == 0) {
            *(volatile char *)vvar_start = 1;
            _exit(0);
        }
        int status;
        CHECK(waitpid(child, &status, 0) == child);
        CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
        /* munmap of both is allowed (the child then touches neither). */
        child = fork();
        CHECK(child >= 0);
        if (child == 0) {
            if (munmap((void *)vdso_start, vdso_end - vdso_start) != 0 || munmap((void *)vvar_start, vvar_end - vvar_start) != 0)
                _exit(2);
            _exit(0);
        }
        CHECK(waitpid(child, &status, 0) == child);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    } else {
        printf("no /proc/self/maps: the [vvar] checks are skipped\n");
    }

    /* glibc's clock_gettime: through the vDSO it costs nanoseconds, not a trap each. Where the
       vDSO makes syscalls (no usable TSC) a thousand calls tell the cost, and a million would
       only take long. */
    int calls = 1000;
    for (int round = 0; round < 2; round++) {
        struct timespec start, end;
        CHECK(clock_gettime(CLOCK_MONOTONIC, &start) == 0);
        for (int i = 0; i < calls; i++)
            CHECK(clock_gettime(CLOCK_MONOTONIC, &ts) == 0);
        CHECK(clock_gettime(CLOCK_MONOTONIC, &end) == 0);
        uint64_t took = ns_of(end) - ns_of(start);
        if (round == 1 || took / calls > 2000) {
            printf("%d glibc clock_gettime(CLOCK_MONOTONIC) calls: %llu us, %llu ns each\n", calls,
                   (unsigned long long)(took / 1000), (unsigned long long)(took / calls));
            break;
        }
        calls = 1000000;
    }
    printf("vdso_clock: ok\n");
    return 0;
}
