/* mlock, mlock2, munlock, mlockall, munlockall: VmLck in /proc/self/status, RLIMIT_MEMLOCK
 * (ENOMEM past it, EPERM at 0, both only without CAP_IPC_LOCK), ENOMEM for unmapped memory,
 * EINVAL for bad flags, and no locks across fork. */
#include "check.h"

#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define CAP_IPC_LOCK 14

static long status_kb(const char* field)
{
    FILE* status = fopen("/proc/self/status", "r");
    CHECK(status != NULL);
    char line[256];
    long value = -1;
    size_t len = strlen(field);
    while (fgets(line, sizeof line, status))
        if (strncmp(line, field, len) == 0 && line[len] == ':')
            value = atol(line + len + 1);
    fclose(status);
    return value;
}

static int has_ipc_lock(void)
{
    FILE* status = fopen("/proc/self/status", "r");
    CHECK(status != NULL);
    char line[256];
    unsigned long long caps = 0;
    while (fgets(line, sizeof line, status))
        if (sscanf(line, "CapEff: %llx", &caps) == 1)
            break;
    fclose(status);
    return (caps >> CAP_IPC_LOCK) & 1;
}

int main(void)
{
    long page = sysconf(_SC_PAGESIZE);
    char* map = mmap(NULL, 8 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(map != MAP_FAILED);
    CHECK(status_kb("VmLck") == 0);

    /* An unaligned start locks the whole pages it touches. */
    CHECK(mlock(map + 10, 2 * page) == 0);
    CHECK(status_kb("VmLck") == 3 * page / 1024);
    /* Locking again what is locked counts once. */
    CHECK(mlock(map, 4 * page) == 0);
    CHECK(status_kb("VmLck") == 4 * page / 1024);
    CHECK(mlock(map, 0) == 0);
    CHECK(munlock(map + page, page) == 0);
    CHECK(status_kb("VmLck") == 3 * page / 1024);
    CHECK(syscall(SYS_mlock2, map + 6 * page, page, 1 /* MLOCK_ONFAULT */) == 0);
    CHECK(status_kb("VmLck") == 4 * page / 1024);
    CHECK_ERR(syscall(SYS_mlock2, map, page, 2), EINVAL);
    /* Unmapping takes the lock with it. */
    CHECK(munmap(map + 6 * page, 2 * page) == 0);
    CHECK(status_kb("VmLck") == 3 * page / 1024);
    /* A hole is ENOMEM, for munlock too. */
    CHECK_ERR(mlock(map + 5 * page, 2 * page), ENOMEM);
    CHECK_ERR(munlock(map + 5 * page, 2 * page), ENOMEM);
    CHECK_ERR(mlock((void*)-4096L, 8192), EINVAL);

    /* Locks are not inherited. */
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0)
        _exit(status_kb("VmLck") == 0 ? 0 : 1);
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);

    CHECK_ERR(mlockall(0), EINVAL);
    CHECK_ERR(mlockall(MCL_ONFAULT), EINVAL);
    CHECK_ERR(mlockall(8), EINVAL);
    /* MCL_FUTURE alone locks only what is mapped next. */
    CHECK(munlockall() == 0);
    CHECK(status_kb("VmLck") == 0);
    struct rlimit unlimited = {RLIM_INFINITY, RLIM_INFINITY};
    int can_raise = setrlimit(RLIMIT_MEMLOCK, &unlimited) == 0;
    if (can_raise) {
        CHECK(mlockall(MCL_FUTURE) == 0);
        CHECK(status_kb("VmLck") == 0);
        char* more = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(more != MAP_FAILED);
        CHECK(status_kb("VmLck") == 3 * page / 1024);
        CHECK(munlockall() == 0);
        char* unlocked = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(unlocked != MAP_FAILED);
        CHECK(status_kb("VmLck") == 0);
        CHECK(mlockall(MCL_CURRENT) == 0);
        CHECK(status_kb("VmLck") > 3 * page / 1024);
        CHECK(munlockall() == 0);
        CHECK(status_kb("VmLck") == 0);
    }

    /* The limits bind only without CAP_IPC_LOCK: root checks them in a child that gives up root. */
    child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
            _exit(10);
        if (has_ipc_lock())
            _exit(0);
        struct rlimit two_pages = {2 * page, 2 * page};
        if (setrlimit(RLIMIT_MEMLOCK, &two_pages) != 0)
            _exit(11);
        if (mlock(map, 2 * page) != 0)
            _exit(1);
        if (mlock(map, 3 * page) != -1 || errno != ENOMEM)
            _exit(2);
        if (mlockall(MCL_CURRENT) != -1 || errno != ENOMEM)
            _exit(3);
        if (munlockall() != 0)
            _exit(4);
        struct rlimit none = {0, 0};
        if (setrlimit(RLIMIT_MEMLOCK, &none) != 0)
            _exit(12);
        if (mlock(map, page) != -1 || errno != EPERM)
            _exit(5);
        if (mlockall(MCL_CURRENT) != -1 || errno != EPERM)
            _exit(6);
        if (munlock(map, page) != 0)
            _exit(7);
        _exit(0);
    }
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status));
    if (WEXITSTATUS(status) != 0)
        fprintf(stderr, "unprivileged check %d failed\n", WEXITSTATUS(status));
    CHECK(WEXITSTATUS(status) == 0);
    printf("mlock ok\n");
    return 0;
}
