// memfd_create(2) and file seals (fcntl(2) "File Sealing"), errors included.
#include "check.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

static int memfd(const char *name, unsigned flags) { return syscall(SYS_memfd_create, name, flags); }

int main(void)
{
    /* Flags and names. */
    CHECK_ERR(memfd("x", 0x100), EINVAL);
    CHECK_ERR(memfd(BAD_PTR, 0), EFAULT);
    char long_name[300];
    memset(long_name, 'n', sizeof long_name);
    long_name[250] = 0; /* 250 bytes: one too many */
    CHECK_ERR(memfd(long_name, 0), EINVAL);
    long_name[249] = 0;
    int fd = memfd(long_name, 0);
    CHECK(fd >= 0);
    close(fd);

    /* An empty regular file, readable and writable, shown as memfd:NAME (deleted). */
    fd = memfd("demo", MFD_CLOEXEC);
    CHECK(fd >= 0);
    CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC);
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    CHECK(S_ISREG(st.st_mode) && st.st_size == 0 && st.st_nlink == 0);
    CHECK(st.st_uid == geteuid());
    char link[64], target[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    CHECK(n > 0);
    target[n] = 0;
    CHECK(strcmp(target, "/memfd:demo (deleted)") == 0);
    CHECK(write(fd, "hello", 5) == 5);
    CHECK(pread(fd, target, 5, 0) == 5 && memcmp(target, "hello", 5) == 0);
    /* Without MFD_ALLOW_SEALING it is sealed against seals. */
    CHECK(fcntl(fd, F_GET_SEALS) == F_SEAL_SEAL);
    CHECK_ERR(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EPERM);
    /* Shared memory between processes through the memfd. */
    CHECK(ftruncate(fd, 4096) == 0);
    char *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(shared != MAP_FAILED);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        strcpy(shared + 100, "from child");
        _exit(0);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(strcmp(shared + 100, "from child") == 0);
    CHECK(pread(fd, target, 10, 100) == 10 && memcmp(target, "from child", 10) == 0);
    munmap(shared, 4096);
    close(fd);

    /* Seals on a sealable memfd. */
    fd = memfd("sealed", MFD_ALLOW_SEALING);
    CHECK(fd >= 0);
    CHECK(fcntl(fd, F_GET_SEALS) == 0);
    CHECK(ftruncate(fd, 8192) == 0);
    CHECK_ERR(fcntl(fd, F_ADD_SEALS, 0x100), EINVAL);
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK) == 0);
    CHECK_ERR(ftruncate(fd, 4096), EPERM);
    CHECK(ftruncate(fd, 12288) == 0); /* growing is still allowed */
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW) == 0);
    CHECK_ERR(ftruncate(fd, 16384), EPERM);
    CHECK_ERR(pwrite(fd, "x", 1, 12288), EPERM); /* a write past the end grows it */
    CHECK(pwrite(fd, "x", 1, 0) == 1);
    /* F_SEAL_WRITE is EBUSY while a shared writable mapping exists. */
    char *map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(map != MAP_FAILED);
    CHECK_ERR(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EBUSY);
    munmap(map, 4096);
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE) == 0);
    CHECK_ERR(write(fd, "y", 1), EPERM);
    CHECK(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED && errno == EPERM);
    map = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0); /* reading is fine */
    CHECK(map != MAP_FAILED && map[0] == 'x');
    map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0); /* a private copy too */
    CHECK(map != MAP_FAILED);
    map[0] = 'z';
    CHECK(pread(fd, target, 1, 0) == 1 && target[0] == 'x');
    CHECK(fcntl(fd, F_GET_SEALS) == (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE));
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL) == 0);
    CHECK_ERR(fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE), EPERM);
    /* A read-only descriptor may not add seals. */
    int sealable = memfd("ro", MFD_ALLOW_SEALING);
    CHECK(sealable >= 0);
    snprintf(link, sizeof link, "/proc/self/fd/%d", sealable);
    int ro = open(link, O_RDONLY);
    CHECK(ro >= 0);
    CHECK_ERR(fcntl(ro, F_ADD_SEALS, F_SEAL_GROW), EPERM);
    CHECK(fcntl(ro, F_GET_SEALS) == 0);
    /* Files that are not memfds have no seals. */
    int pipes[2];
    CHECK(pipe(pipes) == 0);
    CHECK_ERR(fcntl(pipes[0], F_GET_SEALS), EINVAL);
    int tmp = open("/proc/self/exe", O_RDONLY);
    CHECK(tmp >= 0);
    CHECK_ERR(fcntl(tmp, F_GET_SEALS), EINVAL);
    printf("memfd: ok\n");
    return 0;
}
