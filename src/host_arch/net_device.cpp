// The hosted network device: a user-mode NAT (passt) in a host process of its own, reached
// through a socketpair. passt's qemu mode frames each Ethernet frame on the stream with its
// length (4 bytes, big-endian). passt confines itself: it drops to user "nobody", enters new
// user, mount, IPC and UTS namespaces and installs its seccomp filter before it reads a frame, so
// the outside world's packets are parsed in a process that sees neither the guest's memory nor
// the kernel's files. Arriving bytes raise SIGIO, the device's interrupt.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "frame/arch.h"
#include "frame/clock.h"
#include "host_arch/host.h"

namespace asterix {

namespace {

/// The frame header of passt's qemu mode: the frame's length, big-endian.
constexpr usize length_prefix_bytes = 4;
/// passt's default MTU (the largest 802.3 frame less its header, in whole IPv4 words).
constexpr usize nat_mtu_bytes = 65520;
constexpr usize max_frame_bytes = nat_mtu_bytes + 14;
/// A locally administered unicast address, as QEMU's user networking gives its guests.
constexpr std::array<u8, 6> guest_mac {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

struct NetDevice {
    int fd {-1};
    pid_t nat_pid {0};
    /// Bytes read from the stream and not yet taken as frames (at most one partial frame more).
    std::vector<u8> received;
    usize received_start {0};
    /// The unsent tail of a frame the socket took only part of: it goes first next time.
    std::vector<u8> unsent;
};

NetDevice g_device;
volatile std::sig_atomic_t g_frames_pending = 0;

void on_io_signal(int)
{
    int saved_errno = errno;
    g_frames_pending = 1;
    host::signal_device_interrupt();
    errno = saved_errno;
}

u32 read_be32(const u8* bytes)
{
    return (u32 {bytes[0]} << 24) | (u32 {bytes[1]} << 16) | (u32 {bytes[2]} << 8) | u32 {bytes[3]};
}

/// Whether a whole frame waits in the buffer.
bool has_whole_frame()
{
    usize available = g_device.received.size() - g_device.received_start;
    if (available < length_prefix_bytes)
        return false;
    u32 length = read_be32(g_device.received.data() + g_device.received_start);
    // A length past the MTU counts as whole, so that net_receive sees it and gives up.
    return length > max_frame_bytes || available >= length_prefix_bytes + length;
}

/// Writes what is left of a partly sent frame; false while some of it still waits.
bool flush_unsent()
{
    while (!g_device.unsent.empty()) {
        ssize_t n = ::send(g_device.fd, g_device.unsent.data(), g_device.unsent.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0)
            return false;
        g_device.unsent.erase(g_device.unsent.begin(), g_device.unsent.begin() + n);
    }
    return true;
}

void kill_nat()
{
    if (g_device.nat_pid > 0) {
        kill(g_device.nat_pid, SIGKILL);
        waitpid(g_device.nat_pid, nullptr, 0);
        g_device.nat_pid = 0;
    }
}

/// Sends an ARP request for the gateway and waits for passt's answer: it comes only once passt
/// has bound the forwarded ports and entered its main loop, so a passt that failed (a port in
/// use) is found before the guest starts.
bool wait_until_ready(std::string& error, const host::UserNetConfig& config)
{
    std::vector<u8> arp(14 + 28, 0);
    std::fill_n(arp.begin(), 6, 0xff);
    std::copy(guest_mac.begin(), guest_mac.end(), arp.begin() + 6);
    const u8 header[] = {0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01};
    std::copy(std::begin(header), std::end(header), arp.begin() + 12);
    std::copy(guest_mac.begin(), guest_mac.end(), arp.begin() + 22);
    std::copy(config.guest_address.begin(), config.guest_address.end(), arp.begin() + 28);
    std::copy(config.gateway_address.begin(), config.gateway_address.end(), arp.begin() + 38);
    if (frame::arch::net_send(arp).is_error()) {
        error = "cannot send to passt";
        return false;
    }
    constexpr u64 ready_timeout_ns = 20'000'000'000;
    u64 deadline = frame::monotonic_ns() + ready_timeout_ns;
    std::vector<u8> frame;
    while (frame::monotonic_ns() < deadline) {
        while (frame::arch::net_receive(frame)) {
            if (frame.size() >= 14 && frame[12] == 0x08 && frame[13] == 0x06)
                return true;
        }
        int status = 0;
        if (waitpid(g_device.nat_pid, &status, WNOHANG) == g_device.nat_pid) {
            g_device.nat_pid = 0;
            error = "passt ended before it answered (its message above says why)";
            return false;
        }
        pollfd pfd {g_device.fd, POLLIN, 0};
        poll(&pfd, 1, 100);
    }
    error = "passt did not answer within 20 s";
    return false;
}

} // namespace

bool host::start_user_net(const UserNetConfig& config, std::string& error)
{
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0) {
        error = std::string("socketpair: ") + std::strerror(errno);
        return false;
    }
    // Room for bursts both ways: a full socket drops frames, and TCP then waits to resend.
    int buffer_bytes = 4 << 20;
    for (int fd : fds) {
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer_bytes, sizeof buffer_bytes);
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer_bytes, sizeof buffer_bytes);
    }
    auto address_text = [](const std::array<u8, 4>& a) {
        return std::to_string(a[0]) + "." + std::to_string(a[1]) + "." + std::to_string(a[2]) + "." + std::to_string(a[3]);
    };
    // The child's end becomes fd 3 of passt (see the child below). Queries to the DNS address
    // go to the host's resolver (--dns-forward: passt reads the host's resolv.conf).
    constexpr int nat_fd = 3;
    std::vector<std::string> args {"passt", "--fd", std::to_string(nat_fd), "--foreground", "--quiet", "--stderr",
        "--ipv4-only", "--address", address_text(config.guest_address), "--netmask", std::to_string(config.prefix_bits),
        "--gateway", address_text(config.gateway_address), "--dns", address_text(config.dns_address), "--dns-forward",
        address_text(config.dns_address), "--mtu", std::to_string(nat_mtu_bytes)};
    // passt will not run as root: it changes to "nobody" itself, and says so unless told to.
    if (geteuid() == 0) {
        args.push_back("--runas");
        args.push_back("nobody");
    }
    // Forwarded ports listen on the host's loopback only, as docker's -p 127.0.0.1:H:G.
    for (const auto& forward : config.forwards) {
        args.push_back(forward.is_udp ? "--udp-ports" : "--tcp-ports");
        args.push_back("127.0.0.1/" + std::to_string(forward.host_port) + ":" + std::to_string(forward.guest_port));
    }
    std::vector<char*> argv;
    for (auto& arg : args)
        argv.push_back(arg.data());
    argv.push_back(nullptr);

    pid_t pid = fork();
    if (pid < 0) {
        error = std::string("fork: ") + std::strerror(errno);
        return false;
    }
    if (pid == 0) {
        // In a process group of its own, the terminal's ^C goes to the guest, not to passt. It
        // ends when asterix does: the socket closes (passt drops the death signal when it
        // changes user, so the closed socket is what it notices).
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int null_fd = open("/dev/null", O_RDWR);
        if (null_fd >= 0) {
            dup2(null_fd, 0);
            dup2(null_fd, 1);
        }
        // passt gets its socket and nothing else of asterix's: no root or volume directory, and
        // never the memfd of the guest's memory.
        if (fds[1] != nat_fd) {
            dup2(fds[1], nat_fd);
        } else {
            fcntl(nat_fd, F_SETFD, 0);
        }
        close_range(nat_fd + 1, ~0u, 0);
        execvp("passt", argv.data());
        std::fprintf(stderr, "asterix: --net=user: cannot run passt: %s (install it with tools/install-deps)\n", std::strerror(errno));
        _exit(127);
    }
    close(fds[1]);
    g_device.fd = fds[0];
    g_device.nat_pid = pid;

    struct sigaction action {};
    action.sa_handler = on_io_signal;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    sigaction(SIGIO, &action, nullptr);
    fcntl(g_device.fd, F_SETOWN, getpid());
    fcntl(g_device.fd, F_SETFL, O_NONBLOCK | O_ASYNC);

    if (!wait_until_ready(error, config)) {
        kill_nat();
        close(g_device.fd);
        g_device.fd = -1;
        return false;
    }
    return true;
}

void host::stop_user_net() { kill_nat(); }

int host::net_device_fd() { return g_device.fd; }

void host::note_device_input() { g_frames_pending = 1; }

bool frame::arch::net_is_present() { return g_device.fd >= 0; }
std::array<u8, 6> frame::arch::net_mac_address() { return guest_mac; }
usize frame::arch::net_mtu_bytes() { return nat_mtu_bytes; }

Result<void> frame::arch::net_send(std::span<const u8> frame)
{
    if (g_device.fd < 0)
        return Errno::enodev;
    if (frame.size() > max_frame_bytes)
        return Errno::emsgsize;
    if (!flush_unsent())
        return Errno::enobufs;
    u8 prefix[length_prefix_bytes] = {static_cast<u8>(frame.size() >> 24), static_cast<u8>(frame.size() >> 16),
        static_cast<u8>(frame.size() >> 8), static_cast<u8>(frame.size())};
    // SAFETY: the iovecs describe the prefix array and the caller's span, both alive for the call;
    // sendmsg only reads them.
    iovec parts[2] = {{prefix, sizeof prefix}, {const_cast<u8*>(frame.data()), frame.size()}};
    msghdr message {};
    message.msg_iov = parts;
    message.msg_iovlen = 2;
    ssize_t n = sendmsg(g_device.fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0)
        return errno == EAGAIN ? Errno::enobufs : host::errno_from_host(errno);
    usize total = sizeof prefix + frame.size();
    auto sent = static_cast<usize>(n);
    // The stream took part of the frame: the rest must follow before anything else, or the
    // framing breaks.
    if (sent < total) {
        std::vector<u8> whole(prefix, prefix + sizeof prefix);
        whole.insert(whole.end(), frame.begin(), frame.end());
        g_device.unsent.assign(whole.begin() + static_cast<long>(sent), whole.end());
    }
    return {};
}

bool frame::arch::net_receive(std::vector<u8>& frame)
{
    if (g_device.fd < 0)
        return false;
    if (!has_whole_frame()) {
        // Keep only the partial frame at the front, then read what the socket has.
        g_device.received.erase(g_device.received.begin(), g_device.received.begin() + static_cast<long>(g_device.received_start));
        g_device.received_start = 0;
        flush_unsent();
        usize old_size = g_device.received.size();
        constexpr usize read_bytes = 256 * 1024;
        g_device.received.resize(old_size + read_bytes);
        ssize_t n = read(g_device.fd, g_device.received.data() + old_size, read_bytes);
        g_device.received.resize(old_size + static_cast<usize>(std::max<ssize_t>(n, 0)));
        if (n == 0) {
            // passt is gone: the device is unplugged.
            frame::arch::report_write("asterix: the network (passt) ended; the guest's network is down\n");
            close(g_device.fd);
            g_device.fd = -1;
            return false;
        }
        // A full read may have left more in the socket, which raises no new SIGIO: come back.
        if (n == static_cast<ssize_t>(read_bytes))
            g_frames_pending = 1;
        if (!has_whole_frame())
            return false;
    }
    const u8* start = g_device.received.data() + g_device.received_start;
    u32 length = read_be32(start);
    if (length > max_frame_bytes) {
        frame::arch::report_write("asterix: passt sent a frame longer than its MTU; the guest's network is down\n");
        close(g_device.fd);
        g_device.fd = -1;
        return false;
    }
    frame.assign(start + length_prefix_bytes, start + length_prefix_bytes + length);
    g_device.received_start += length_prefix_bytes + length;
    return true;
}

bool frame::arch::net_input_ready()
{
    if (g_device.fd < 0)
        return false;
    if (g_frames_pending) {
        g_frames_pending = 0;
        return true;
    }
    return has_whole_frame();
}

} // namespace asterix
