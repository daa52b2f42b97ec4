// A custom init: the first and only program of an initramfs, booted on bare metal (QEMU) or
// hosted (`asterix run --initramfs`). It reports where it runs and ends the machine with its
// exit status, as pid 1's end does under Asterix.

#include <stdio.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

int main(void)
{
    struct utsname name;
    if (uname(&name) != 0) {
        perror("uname");
        return 1;
    }
    printf("my init runs as pid %d on %s %s\n", getpid(), name.sysname, name.release);
    struct stat st;
    printf("/init is %s, /bin/busybox %s\n", stat("/init", &st) == 0 ? "here" : "missing",
        stat("/bin/busybox", &st) == 0 ? "too" : "absent");
    if (mkdir("/tmp/made-by-init", 0755) != 0 || stat("/tmp/made-by-init", &st) != 0) {
        perror("mkdir");
        return 1;
    }
    printf("the root is a tmpfs that init can write\n");
    fflush(stdout);
    return 0;
}
