/* POSIX shared memory and named semaphores: /dev/shm is a tmpfs of its own, shm_open objects
 * are shared across fork, sem_open semaphores synchronise two processes, and the errors of
 * shm_open/shm_unlink/sem_open are Linux's. */
#include "check.h"

#include <fcntl.h>
#include <semaphore.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TMPFS_MAGIC 0x01021994

int main(void)
{
    char name[64], sem_name[64];
    snprintf(name, sizeof name, "/ax_posix_shm_%d", (int)getpid());
    snprintf(sem_name, sizeof sem_name, "/ax_posix_sem_%d", (int)getpid());

    struct statfs fs;
    CHECK(statfs("/dev/shm", &fs) == 0);
    CHECK(fs.f_type == TMPFS_MAGIC);
    struct stat st;
    CHECK(stat("/dev/shm", &st) == 0);
    CHECK((st.st_mode & 07777) == 01777);
    /* It is a mount of its own, not a directory of /dev. */
    FILE* mounts = fopen("/proc/mounts", "r");
    CHECK(mounts != NULL);
    char line[512];
    int is_mounted = 0;
    while (fgets(line, sizeof line, mounts))
        if (strstr(line, " /dev/shm tmpfs "))
            is_mounted = 1;
    fclose(mounts);
    CHECK(is_mounted);

    int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
    CHECK(fd >= 0);
    CHECK_ERR(shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600), EEXIST);
    CHECK(ftruncate(fd, 8192) == 0);
    char path[128];
    snprintf(path, sizeof path, "/dev/shm%s", name);
    CHECK(stat(path, &st) == 0 && st.st_size == 8192);
    char* map = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(map != MAP_FAILED);

    sem_t* sem = sem_open(sem_name, O_CREAT | O_EXCL, 0600, 0);
    CHECK(sem != SEM_FAILED);
    CHECK(sem_open(sem_name, O_CREAT | O_EXCL, 0600, 0) == SEM_FAILED && errno == EEXIST);

    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        /* The child opens both objects by name, as an unrelated process would. */
        int cfd = shm_open(name, O_RDWR, 0);
        if (cfd < 0)
            _exit(2);
        char* cmap = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);
        if (cmap == MAP_FAILED)
            _exit(3);
        sem_t* csem = sem_open(sem_name, 0);
        if (csem == SEM_FAILED)
            _exit(4);
        strcpy(cmap + 4096, "from the child");
        sem_post(csem);
        _exit(0);
    }
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 30;
    CHECK(sem_timedwait(sem, &deadline) == 0);
    CHECK(strcmp(map + 4096, "from the child") == 0);
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* A semaphore with no token times out. */
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_nsec += 20 * 1000 * 1000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }
    CHECK(sem_timedwait(sem, &deadline) == -1 && errno == ETIMEDOUT);
    CHECK(sem_trywait(sem) == -1 && errno == EAGAIN);

    CHECK(sem_close(sem) == 0);
    CHECK(sem_unlink(sem_name) == 0);
    CHECK(sem_unlink(sem_name) == -1 && errno == ENOENT);
    CHECK(munmap(map, 8192) == 0);
    CHECK(close(fd) == 0);
    CHECK(shm_unlink(name) == 0);
    CHECK_ERR(shm_unlink(name), ENOENT);
    CHECK_ERR(shm_open(name, O_RDWR, 0), ENOENT);
    /* A name with a slash inside is not a POSIX shared memory object name. */
    CHECK_ERR(shm_open("/a/b", O_RDWR, 0), EINVAL);
    printf("posix_shm ok\n");
    return 0;
}
