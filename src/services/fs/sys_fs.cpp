#include "services/fs/sys_fs.h"

#include "frame/format.h"
#include "services/abi/magic.h"
#include "services/fs/dentry.h"
#include "services/fs/ram_fs.h"
#include "services/fs/text_file.h"

namespace asterix::services {

namespace {

/// A read-only attribute file (mode 0444, as Linux's CPU mask files are).
class SysAttr final : public RamInode {
public:
    SysAttr(Ref<RamFs> fs, std::string text) : RamInode(std::move(fs), s_ifreg | 0444, 0, 0), m_text(std::move(text)) {}
    Result<frame::FileStat> stat() override
    {
        auto st = TRY(RamInode::stat());
        // Linux's sysfs shows a page as the size of every attribute, whatever it holds.
        st.size = page_size;
        return st;
    }
    Result<Ref<File>> open(const Ref<Dentry>& dentry, u32 flags) override
    {
        if ((flags & o_accmode) != o_rdonly)
            return Errno::eacces;
        return Ref<File>(make_ref<TextFile>(dentry, m_text, flags));
    }

private:
    std::string m_text;
};

/// A sysfs directory: the kernel makes its entries, a guest may not add or remove any.
class SysDir final : public RamInode {
public:
    explicit SysDir(Ref<RamFs> fs) : RamInode(std::move(fs), s_ifdir | 0755, 0, 0) {}
    Result<Ref<Inode>> create(std::string_view, u32, Owner) override { return Errno::eacces; }
    Result<void> mkdir(std::string_view, u32, Owner) override { return Errno::eacces; }
    Result<void> mkfifo(std::string_view, u32, Owner) override { return Errno::eacces; }
    Result<void> mksock(std::string_view, u32, Owner) override { return Errno::eacces; }
    Result<void> symlink(std::string_view, std::string_view, Owner) override { return Errno::eacces; }
    Result<void> link(std::string_view, Inode&) override { return Errno::eacces; }
    Result<void> unlink(std::string_view, bool) override { return Errno::eacces; }
    Result<void> rename(std::string_view, Inode&, std::string_view, u32) override { return Errno::eacces; }
};

/// A CPU list as Linux's cpumask files print it: "0" or "0-N".
std::string cpu_list(u32 count)
{
    return count == 1 ? std::string("0\n") : frame::format("0-%u\n", count - 1);
}

} // namespace

Ref<Inode> make_sys_fs()
{
    auto fs = make_ref<RamFs>("sysfs", 0, abi::sysfs_magic);
    fs->set_dev(0x15);
    auto dir = [&fs](RamInode& parent, std::string name) {
        auto child = make_ref<SysDir>(fs);
        parent.add_child(std::move(name), Ref<RamInode>(child));
        return child;
    };
    auto attr = [&fs](RamInode& parent, std::string name, std::string text) {
        parent.add_child(std::move(name), Ref<RamInode>(make_ref<SysAttr>(fs, std::move(text))));
    };
    auto root = make_ref<SysDir>(fs);
    auto devices = dir(*root, "devices");
    auto system = dir(*devices, "system");
    auto cpu = dir(*system, "cpu");
    attr(*cpu, "online", cpu_list(guest_cpu_count));
    attr(*cpu, "possible", cpu_list(guest_cpu_count));
    attr(*cpu, "present", cpu_list(guest_cpu_count));
    attr(*cpu, "offline", "\n");
    attr(*cpu, "kernel_max", frame::format("%u\n", guest_cpu_count - 1));
    for (u32 index = 0; index < guest_cpu_count; ++index)
        dir(*cpu, frame::format("cpu%u", index));
    for (const char* name : {"class", "fs", "kernel", "bus", "block", "dev", "firmware", "module", "power"})
        dir(*root, name);
    return Ref<Inode>(root);
}

} // namespace asterix::services
