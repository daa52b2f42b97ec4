#include "services/fs/dentry_file.h"
#include "services/fs/dev_fs.h"

#include <array>
#include <vector>

#include "frame/clock.h"
#include "services/tty/console.h"
#include "services/tty/devpts.h"
#include "services/tty/terminal_file.h"
#include "services/fs/ram_fs.h"

namespace asterix::services {

namespace {

enum class Device : u8 { null, zero, full, random, urandom, tty, console, ptmx };

constexpr u64 make_dev(u32 major, u32 minor) { return (u64 {major} << 8) | minor; }

class DeviceFile final : public DentryFile {
public:
    DeviceFile(Ref<Dentry> dentry, Device device, u32 flags) : DentryFile(std::move(dentry), flags), m_device(device) {}

    Result<usize> read(frame::UserWriter& out) override
    {
        switch (m_device) {
        case Device::null:
            return 0;
        case Device::zero:
        case Device::full: {
            static const std::array<u8, page_size> zeros {};
            usize total = 0;
            while (out.remaining() > 0)
                total += TRY(out.write(zeros));
            return total;
        }
        default: {
            std::array<u8, 256> chunk;
            usize total = 0;
            while (out.remaining() > 0) {
                frame::random_bytes(chunk);
                auto n = out.write(chunk);
                if (n.is_error())
                    return total ? Result<usize>(total) : n.error();
                total += n.value();
            }
            return total;
        }
        }
    }

    Result<usize> write(frame::UserReader& in) override
    {
        if (m_device == Device::full)
            return Errno::enospc;
        // Writes to null and the random devices are accepted and dropped; the guest memory is
        // still read, so a bad buffer is EFAULT as on Linux.
        std::array<u8, page_size> sink;
        usize total = 0;
        while (in.remaining() > 0)
            total += TRY(in.read(sink));
        return total;
    }

    Result<usize> read_at(u64, frame::UserWriter& out) override { return read(out); }
    Result<usize> write_at(u64, frame::UserReader& in) override { return write(in); }
    Result<i64> seek(i64, Whence) override { return 0; }

private:
    Device m_device;
};

class DeviceInode final : public RamInode {
public:
    DeviceInode(Ref<RamFs> fs, Device device, u32 major, u32 minor, u32 mode)
        : RamInode(std::move(fs), s_ifchr | mode, 0, 0), m_device(device)
    {
        m_rdev = make_dev(major, minor);
    }

    Result<Ref<File>> open(const Ref<Dentry>& dentry, u32 flags) override
    {
        if (flags & o_path)
            return RamInode::open(dentry, flags);
        if (m_device == Device::tty)
            return open_controlling_terminal(dentry, flags);
        if (m_device == Device::console)
            return open_console_terminal(flags); // the console's terminal, if it has one
        if (m_device == Device::ptmx)
            return open_pty_master(dentry, flags); // a new pty pair; its slave shows in /dev/pts
        return Ref<File>(make_ref<DeviceFile>(dentry, m_device, flags));
    }

private:
    Device m_device;
};

} // namespace

Ref<Inode> make_dev_fs()
{
    auto fs = make_ref<RamFs>("devtmpfs", 64ull << 20, 0x01021994);
    fs->set_dev(5);
    auto root = make_ref<RamInode>(fs, s_ifdir | 0755, 0, 0);
    struct Node {
        const char* name;
        Device device;
        u32 major, minor, mode;
    };
    constexpr Node nodes[] = {
        {"null", Device::null, 1, 3, 0666},
        {"zero", Device::zero, 1, 5, 0666},
        {"full", Device::full, 1, 7, 0666},
        {"random", Device::random, 1, 8, 0666},
        {"urandom", Device::urandom, 1, 9, 0666},
        {"tty", Device::tty, 5, 0, 0666},
        {"console", Device::console, console_device_major, console_device_minor, 0600},
        {"ptmx", Device::ptmx, 5, 2, 0666},
    };
    for (const auto& node : nodes) {
        auto inode = make_ref<DeviceInode>(fs, node.device, node.major, node.minor, node.mode);
        if (node.device == Device::console)
            set_console_device_node(Ref<Inode>(inode));
        root->add_child(node.name, inode);
    }
    auto link = [&](const char* name, const char* target) {
        auto inode = make_ref<RamInode>(fs, s_iflnk | 0777, 0, 0);
        inode->set_link_target(target);
        root->add_child(name, inode);
    };
    link("fd", "/proc/self/fd");
    link("stdin", "/proc/self/fd/0");
    link("stdout", "/proc/self/fd/1");
    link("stderr", "/proc/self/fd/2");
    root->add_child("shm", make_ref<RamInode>(fs, s_ifdir | 01777, 0, 0));
    root->add_child("pts", make_ref<RamInode>(fs, s_ifdir | 0755, 0, 0));
    root->add_child("mqueue", make_ref<RamInode>(fs, s_ifdir | 01777, 0, 0));
    return Ref<Inode>(root);
}

} // namespace asterix::services
