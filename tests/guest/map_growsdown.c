/* MAP_GROWSDOWN: a write just below the area grows it down, as a stack grows. */
#include "check.h"
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

/* Whether /proc/self/maps has an area starting at `start`. */
static int maps_has_start(uintptr_t start)
{
    FILE *maps = fopen("/proc/self/maps", "r");
    CHECK(maps != NULL);
    char line[512];
    int found = 0;
    while (fgets(line, sizeof line, maps)) {
        unsigned long from;
        if (sscanf(line, "%lx-", &from) == 1 && from == start)
            found = 1;
    }
    fclose(maps);
    return found;
}

int main(void)
{
    const size_t page = 4096, reserve = 8u << 20;
    /* Reserve room, keep an inaccessible page at its bottom (no guard gap is needed below an
     * inaccessible area) and put a two-page grows-down area at its top. */
    char *base = mmap(NULL, reserve, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(base != MAP_FAILED);
    CHECK(munmap(base + page, reserve - page) == 0);
    char *top = base + reserve - 2 * page;
    char *stack = mmap(top, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_FIXED, -1, 0);
    CHECK(stack == top);
    stack[0] = 1;
    CHECK(maps_has_start((uintptr_t)stack));

    /* A write a page below grows the area by that page, and one three pages further down. */
    stack[-1] = 2;
    CHECK(stack[-1] == 2);
    CHECK(maps_has_start((uintptr_t)(stack - page)));
    stack[-(long)(4 * page)] = 3;
    CHECK(maps_has_start((uintptr_t)(stack - 4 * page)));
    CHECK(stack[-(long)(4 * page)] == 3 && stack[-1] == 2 && stack[0] == 1);

    CHECK(munmap(base, reserve) == 0);

    /* An accessible area less than the stack guard gap (256 pages) below: the area does not
     * grow, and the write is a SIGSEGV. */
    base = mmap(NULL, reserve, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(base != MAP_FAILED);
    CHECK(munmap(base + page, reserve - page) == 0);
    CHECK(mprotect(base, page, PROT_READ) == 0);
    stack = mmap(base + 16 * page, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_FIXED, -1, 0);
    CHECK(stack == base + 16 * page);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        stack[-1] = 1;
        _exit(0);
    }
    int status;
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
    CHECK(munmap(base, 32 * page) == 0);

    /* RLIMIT_STACK bounds the area's size: 64 KiB lets it reach 10 pages, not 22. */
    base = mmap(NULL, reserve, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(base != MAP_FAILED);
    CHECK(munmap(base + page, reserve - page) == 0);
    top = base + reserve - 2 * page;
    for (int too_far = 0; too_far <= 1; ++too_far) {
        child = fork();
        CHECK(child >= 0);
        if (child == 0) {
            struct rlimit small = {64 * 1024, RLIM_INFINITY};
            CHECK(setrlimit(RLIMIT_STACK, &small) == 0);
            stack = mmap(top, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_FIXED, -1, 0);
            CHECK(stack == top);
            stack[-(long)(8 * page)] = 1;
            if (too_far)
                stack[-(long)(20 * page)] = 1;
            _exit(0);
        }
        CHECK(waitpid(child, &status, 0) == child);
        if (too_far)
            CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
        else
            CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    CHECK(munmap(base, page) == 0);
    printf("growsdown ok\n");
    return 0;
}
