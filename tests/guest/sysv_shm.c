// System V shared memory (shmget(2), shmat(2), shmctl(2)): sizes, keys, permissions, attach
// rules, IPC_RMID while attached, attach counts across fork, exec-free exit, and the info
// commands ipcs uses. Everything it makes is removed again, so a native run leaves nothing.
#include "check.h"

#include <signal.h>
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned long nattch(int id)
{
    struct shmid_ds ds;
    CHECK(shmctl(id, IPC_STAT, &ds) == 0);
    return ds.shm_nattch;
}

int main(int argc, char **argv)
{
    /* Run again by exec: the attaches of the process that exec'd are gone. */
    if (argc == 4 && strcmp(argv[1], "nattch") == 0)
        return nattch(atoi(argv[2])) == (unsigned long)atoi(argv[3]) ? 0 : 1;

    long page = sysconf(_SC_PAGESIZE);
    key_t key = (key_t)(0x53000000 | (getpid() & 0xffffff));

    /* Sizes and keys. */
    CHECK_ERR(shmget(IPC_PRIVATE, 0, 0600), EINVAL);
    CHECK_ERR(shmget(key, 100, 0600), ENOENT);
    int id = shmget(key, 100, IPC_CREAT | IPC_EXCL | 0600);
    CHECK(id >= 0);
    CHECK_ERR(shmget(key, 100, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
    CHECK(shmget(key, 100, IPC_CREAT | 0600) == id);
    CHECK(shmget(key, 0, 0) == id);
    CHECK(shmget(key, 50, 0600) == id);
    CHECK_ERR(shmget(key, 101, 0600), EINVAL);
    CHECK_ERR(shmget(key, 101, IPC_CREAT | IPC_EXCL), EEXIST); /* EEXIST comes before the size */

    struct shmid_ds ds;
    CHECK(shmctl(id, IPC_STAT, &ds) == 0);
    CHECK(ds.shm_segsz == 100 && ds.shm_nattch == 0 && ds.shm_cpid == getpid());
    CHECK(ds.shm_perm.__key == key && (ds.shm_perm.mode & 0777) == 0600);
    CHECK(ds.shm_perm.uid == geteuid() && ds.shm_perm.cuid == geteuid());
    CHECK(ds.shm_atime == 0 && ds.shm_dtime == 0 && ds.shm_ctime != 0);

    /* Bad ids. */
    CHECK_ERR(shmat(-1, NULL, 0), EINVAL);
    CHECK_ERR(shmat(id + 1, NULL, 0), EINVAL);
    CHECK_ERR(shmctl(-1, IPC_STAT, &ds), EINVAL);
    CHECK_ERR(shmctl(id + 1, IPC_STAT, &ds), EINVAL);
    CHECK_ERR(shmctl(id, 12345, &ds), EINVAL);
    CHECK_ERR(shmctl(id, IPC_STAT, BAD_PTR), EFAULT);
    CHECK_ERR(shmctl(id, IPC_SET, BAD_PTR), EFAULT);

    /* Attach, write, read through a second attach, counts. */
    char *a = shmat(id, NULL, 0);
    CHECK(a != (void *)-1);
    CHECK(((uintptr_t)a & (page - 1)) == 0);
    CHECK(nattch(id) == 1);
    strcpy(a, "shared");
    char *b = shmat(id, NULL, SHM_RDONLY);
    CHECK(b != (void *)-1 && b != a);
    CHECK(strcmp(b, "shared") == 0);
    CHECK(nattch(id) == 2);
    CHECK(shmctl(id, IPC_STAT, &ds) == 0);
    CHECK(ds.shm_lpid == getpid() && ds.shm_atime != 0);
    /* /proc/self/maps names the attach after the key, as Linux does. */
    char want[64], line[512];
    snprintf(want, sizeof want, "/SYSV%08x (deleted)", (unsigned)key);
    FILE *maps = fopen("/proc/self/maps", "r");
    CHECK(maps != NULL);
    int named = 0;
    while (fgets(line, sizeof line, maps))
        if (strtoul(line, NULL, 16) == (uintptr_t)a && strstr(line, want))
            named = 1;
    fclose(maps);
    CHECK(named);

    /* Address rules. */
    CHECK_ERR(shmat(id, a + 1, 0), EINVAL);          /* unaligned without SHM_RND */
    CHECK_ERR(shmat(id, a, 0), EINVAL);              /* already mapped there */
    CHECK_ERR(shmat(id, NULL, SHM_REMAP), EINVAL);   /* SHM_REMAP needs an address */
    char *c = shmat(id, a + 1, SHM_RND | SHM_REMAP); /* rounded down, replacing a */
    CHECK(c == a);
    CHECK(strcmp(c, "shared") == 0);
    CHECK(nattch(id) == 2);
    void *hole = mmap(NULL, 4 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(hole != MAP_FAILED);
    CHECK(munmap(hole, 4 * page) == 0);
    char *d = shmat(id, (char *)hole + 1, SHM_RND);
    CHECK(d == hole);
    CHECK(nattch(id) == 3);

    /* Detach rules. */
    CHECK_ERR(shmdt(a + 1), EINVAL);
    CHECK_ERR(shmdt(a + page), EINVAL);
    CHECK_ERR(shmdt(hole + 2 * page), EINVAL);
    CHECK(shmdt(d) == 0);
    CHECK_ERR(shmdt(d), EINVAL);
    CHECK(nattch(id) == 2);
    CHECK(shmctl(id, IPC_STAT, &ds) == 0);
    CHECK(ds.shm_dtime != 0);

    /* A read-only attach faults on write, and cannot be made writable. */
    CHECK_ERR(mprotect(b, page, PROT_READ | PROT_WRITE), EACCES);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        b[0] = 'x';
        _exit(0);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);

    /* fork inherits attaches; the child's writes are seen; exit detaches. */
    int pipefd[2];
    CHECK(pipe(pipefd) == 0);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(pipefd[0]);
        if (nattch(id) != 4)
            _exit(2);
        strcpy(a, "child");
        CHECK(write(pipefd[1], "x", 1) == 1);
        pause();
        _exit(0);
    }
    close(pipefd[1]);
    char ready;
    CHECK(read(pipefd[0], &ready, 1) == 1);
    CHECK(strcmp(a, "child") == 0);
    CHECK(nattch(id) == 4);
    kill(pid, SIGKILL);
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(nattch(id) == 2);
    close(pipefd[0]);

    /* exec detaches: the child's two inherited attaches go, the parent's two stay. */
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        char id_text[16];
        snprintf(id_text, sizeof id_text, "%d", id);
        execl("/proc/self/exe", argv[0], "nattch", id_text, "2", (char *)NULL);
        _exit(3);
    }
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* Permissions: an unprivileged other user, or the owner of a mode-0 segment. */
    int is_root = geteuid() == 0;
    key_t key2 = key ^ 0x00800000;
    int id2 = shmget(key2, page, IPC_CREAT | IPC_EXCL | (is_root ? 0600 : 0));
    CHECK(id2 >= 0);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (is_root) {
            CHECK(setgid(65534) == 0);
            CHECK(setuid(65534) == 0);
        }
        CHECK_ERR(shmget(key2, 0, 0400), EACCES);
        CHECK(shmget(key2, 0, 0) == id2);
        CHECK_ERR(shmat(id2, NULL, SHM_RDONLY), EACCES);
        struct shmid_ds cds;
        CHECK_ERR(shmctl(id2, IPC_STAT, &cds), EACCES);
        if (is_root) {
            CHECK_ERR(shmctl(id2, IPC_RMID, NULL), EPERM);
            memset(&cds, 0, sizeof cds);
            CHECK_ERR(shmctl(id2, IPC_SET, &cds), EPERM);
        }
        _exit(0);
    }
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* IPC_SET changes the mode bits only. */
    CHECK(shmctl(id2, IPC_STAT, &ds) == 0);
    ds.shm_perm.mode = 0640 | 01000;
    CHECK(shmctl(id2, IPC_SET, &ds) == 0);
    CHECK(shmctl(id2, IPC_STAT, &ds) == 0);
    CHECK((ds.shm_perm.mode & 0777) == 0640 && !(ds.shm_perm.mode & SHM_DEST));
    CHECK(shmctl(id2, IPC_RMID, NULL) == 0);
    CHECK_ERR(shmctl(id2, IPC_STAT, &ds), EINVAL);

    /* The info commands ipcs uses. */
    struct shminfo info;
    int max_index = shmctl(0, IPC_INFO, (struct shmid_ds *)&info);
    CHECK(max_index >= 0);
    CHECK(info.shmmni >= 1 && info.shmmin == 1 && info.shmmax > 0);
    struct shm_info sinfo;
    CHECK(shmctl(0, SHM_INFO, (struct shmid_ds *)&sinfo) >= 0);
    CHECK(sinfo.used_ids >= 1);
    int found = 0;
    for (int i = 0; i <= max_index; i++) {
        int full = shmctl(i, SHM_STAT, &ds);
        if (full == id)
            found = 1;
    }
    CHECK(found);

    /* IPC_RMID while attached: it lives on, marked, with a private key, until the last detach. */
    CHECK(shmctl(id, IPC_RMID, NULL) == 0);
    CHECK(shmctl(id, IPC_STAT, &ds) == 0);
    CHECK((ds.shm_perm.mode & SHM_DEST) && ds.shm_perm.__key == IPC_PRIVATE && ds.shm_nattch == 2);
    CHECK_ERR(shmget(key, 0, 0), ENOENT);
    CHECK(strcmp(b, "child") == 0);
    CHECK(shmdt(a) == 0);
    CHECK(nattch(id) == 1);
    CHECK(shmdt(b) == 0);
    CHECK_ERR(shmctl(id, IPC_STAT, &ds), EINVAL);

    /* IPC_PRIVATE always makes a new segment. */
    int p1 = shmget(IPC_PRIVATE, page, 0600), p2 = shmget(IPC_PRIVATE, page, 0600);
    CHECK(p1 >= 0 && p2 >= 0 && p1 != p2);
    CHECK(shmctl(p1, IPC_RMID, NULL) == 0);
    CHECK(shmctl(p2, IPC_RMID, NULL) == 0);
    printf("sysv_shm ok\n");
    return 0;
}
