// Patched syscall sites (systrap) keep the program's behaviour: a site that a thread enters
// at its old syscall instruction (as a thread preempted between the `mov` and the `syscall`
// would resume) makes the right call, a restart_syscall rewound there too, the file and any
// fresh mapping of the program keep their bytes, and a child that shares the patched page
// makes its own calls. On every platform and natively: the checks hold whether the site was
// patched or not (syscall_patch_applied checks that it was).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "file_offset.h"

/* A site of the patchable form: mov $39 (getpid), %eax; syscall. site_mid enters it at the
 * syscall instruction with eax already set, as a preempted thread resumes. */
long site_getpid(void);
long site_mid(long nr);
long raw_syscall(long nr);
extern const unsigned char site_getpid_syscall[];
__asm__(".text\n"
        ".globl site_getpid\n"
        "site_getpid:\n"
        "    mov $39, %eax\n"
        ".globl site_getpid_syscall\n"
        "site_getpid_syscall:\n"
        "    syscall\n"
        "    ret\n"
        ".globl site_mid\n"
        "site_mid:\n"
        "    mov %rdi, %rax\n"
        "    jmp site_getpid_syscall\n"
        ".globl raw_syscall\n"
        "raw_syscall:\n"
        "    mov %rdi, %rax\n"
        "    syscall\n"
        "    ret\n");

static const unsigned char original[7] = {0xb8, 39, 0, 0, 0, 0x0f, 0x05};

static int is_patched_or_original(const unsigned char *p)
{
    if (memcmp(p, original, 7) == 0)
        return 1;
    /* jmp *abs32 through the table, whose address's high bytes are an invalid opcode. */
    return p[0] == 0xff && p[1] == 0x24 && p[2] == 0x25 && p[5] == 0x06 && p[6] == 0x00;
}

int main(void)
{
    const unsigned char *site = (const unsigned char *)site_getpid;
    CHECK(site + 5 == site_getpid_syscall);
    pid_t pid = getpid();
    for (int i = 0; i < 100; i++)
        CHECK(site_getpid() == pid);
    CHECK(is_patched_or_original(site));

    /* A thread that ran the old mov and resumes at the old syscall instruction. */
    for (int i = 0; i < 20; i++)
        CHECK(site_mid(SYS_getpid) == pid);
    /* A syscall the kernel rewound to restart_syscall there: the same answer as from a site
     * that is never patched (nothing to restart: EINTR on Linux). */
    CHECK(site_mid(SYS_restart_syscall) == raw_syscall(SYS_restart_syscall));
    CHECK(site_getpid() == pid);

    /* The file keeps its bytes: read(2), and a fresh mapping of it. */
    off_t offset = file_offset_of(site);
    CHECK(offset >= 0);
    int fd = open("/proc/self/exe", O_RDONLY);
    CHECK(fd >= 0);
    unsigned char bytes[7];
    CHECK(pread(fd, bytes, sizeof bytes, offset) == (ssize_t)sizeof bytes);
    CHECK(memcmp(bytes, original, 7) == 0);
    long page = sysconf(_SC_PAGESIZE);
    off_t page_offset = offset & ~(off_t)(page - 1);
    unsigned char *map = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, page_offset);
    CHECK(map != MAP_FAILED);
    CHECK(memcmp(map + (offset - page_offset), original, 7) == 0);
    munmap(map, (size_t)page * 2);
    close(fd);

    /* A forked child shares the patched page: its calls are its own. */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        pid_t me = getpid();
        if (me == pid)
            _exit(2);
        for (int i = 0; i < 100; i++) {
            if (site_getpid() != me || site_mid(SYS_getpid) != me)
                _exit(3);
        }
        _exit(0);
    }
    int status;
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(site_getpid() == pid);
    puts("ok");
    return 0;
}
