// The cpio "newc" reader. Each entry is a 110-byte ASCII header ("070701" or "070702", then 13
// eight-digit hex fields), the NUL-terminated name padded to 4 bytes, and the data padded to 4
// bytes; "TRAILER!!!" ends the archive. As in Linux, hard links share the inode number and only
// the last of them carries the data.

#include "services/fs/initramfs.h"

#include <map>

#include "frame/format.h"
#include "frame/user_io.h"
#include "services/fs/inode_file.h"

namespace asterix::services {

namespace {

constexpr usize header_size = 110;
constexpr usize field_count = 13;
enum Field { ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check };

constexpr u64 align4(u64 n) { return (n + 3) & ~u64 {3}; }

struct Entry {
    u64 fields[field_count];
    std::string name;
    std::span<const u8> data;
};

std::string at_offset(usize offset, const char* what)
{
    return frame::format("%s at byte %zu", what, offset);
}

/// Parses the entry at `offset`; advances `offset` past it.
Result<Entry> parse_entry(std::span<const u8> archive, usize& offset, std::string& problem)
{
    if (archive.size() - offset < header_size) {
        problem = at_offset(offset, "truncated header");
        return Errno::einval;
    }
    auto header = archive.subspan(offset, header_size);
    std::string magic(header.begin(), header.begin() + 6);
    if (magic != "070701" && magic != "070702") {
        problem = at_offset(offset, "not a cpio newc header (bad magic)");
        return Errno::einval;
    }
    Entry entry {};
    for (usize i = 0; i < field_count; ++i) {
        u64 value = 0;
        for (usize digit = 0; digit < 8; ++digit) {
            u8 c = header[6 + i * 8 + digit];
            u64 nibble = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 16;
            if (nibble == 16) {
                problem = at_offset(offset, "a header field is not hexadecimal");
                return Errno::einval;
            }
            value = value << 4 | nibble;
        }
        entry.fields[i] = value;
    }
    u64 name_size = entry.fields[namesize];
    u64 name_start = offset + header_size;
    if (name_size == 0 || name_size > archive.size() - name_start || archive[name_start + name_size - 1] != 0) {
        problem = at_offset(offset, "bad name size");
        return Errno::einval;
    }
    u64 data_start = align4(name_start + name_size);
    u64 data_size = entry.fields[filesize];
    if (data_start > archive.size() || data_size > archive.size() - data_start) {
        problem = at_offset(offset, "file data runs past the end of the archive");
        return Errno::einval;
    }
    auto name_bytes = archive.subspan(name_start, name_size - 1);
    entry.name.assign(name_bytes.begin(), name_bytes.end());
    entry.data = archive.subspan(data_start, data_size);
    offset = std::min<u64>(align4(data_start + data_size), archive.size());
    return entry;
}

/// The directory that holds `path`'s last component, and that component.
Result<Ref<Inode>> parent_of(Inode& root, std::string_view path, std::string_view& leaf)
{
    Ref<Inode> dir(&root);
    for (;;) {
        usize slash = path.find('/');
        if (slash == std::string_view::npos) {
            leaf = path;
            return dir;
        }
        auto component = path.substr(0, slash);
        path.remove_prefix(slash + 1);
        if (component.empty() || component == ".")
            continue;
        dir = TRY(dir->lookup(component));
        if (!dir->is_directory())
            return Errno::enotdir;
    }
}

Result<void> write_data(Inode& file, std::span<const u8> data)
{
    // The file system says how its files hold data; a tree that offers no way (not a tmpfs)
    // cannot take the archive's contents.
    FileData* contents = file.file_data();
    if (!contents)
        return Errno::einval;
    auto reader = frame::UserReader::for_kernel(data);
    TRY(contents->truncate(0));
    while (reader.remaining())
        TRY(contents->write_at(reader.consumed(), reader));
    return {};
}

Result<void> set_attributes(Inode& inode, const Entry& entry)
{
    SetAttr attr;
    attr.mode = entry.fields[mode] & 07777;
    attr.uid = entry.fields[uid];
    attr.gid = entry.fields[gid];
    attr.has_times = true;
    attr.atime_sec = attr.mtime_sec = static_cast<i64>(entry.fields[mtime]);
    attr.atime_nsec = attr.mtime_nsec = 0;
    return inode.set_attr(attr);
}

} // namespace

Result<void> unpack_initramfs(Inode& root, std::span<const u8> archive, std::string& problem)
{
    std::map<std::pair<u64, u64>, Ref<Inode>> links; // (device, inode) of files with nlink > 1
    usize offset = 0;
    for (;;) {
        usize entry_offset = offset;
        auto entry = TRY(parse_entry(archive, offset, problem));
        if (entry.name == "TRAILER!!!")
            return {};
        std::string_view path = entry.name;
        while (path.starts_with("./") || path.starts_with("/"))
            path.remove_prefix(path.starts_with("/") ? 1 : 2);
        if (path.empty() || path == ".")
            continue;
        std::string_view leaf;
        auto parent = parent_of(root, path, leaf);
        if (parent.is_error()) {
            problem = at_offset(entry_offset, "an entry's directory is missing");
            return parent.error();
        }
        auto& dir = *parent.value();
        u32 type = entry.fields[mode] & s_ifmt;
        u32 permissions = entry.fields[mode] & 07777;
        Owner owner {static_cast<u32>(entry.fields[uid]), static_cast<u32>(entry.fields[gid])};
        if (type != s_ifdir && !dir.lookup(leaf).is_error())
            TRY(dir.unlink(leaf, false)); // a later entry replaces an earlier one
        if (type == s_ifdir) {
            if (auto made = dir.mkdir(leaf, permissions, owner); made.is_error() && made.error() != Errno::eexist)
                return made.error();
        } else if (type == s_iflnk) {
            TRY(dir.symlink(leaf, std::string(entry.data.begin(), entry.data.end()), owner));
            continue;
        } else if (type == s_ififo) {
            TRY(dir.mkfifo(leaf, permissions, owner));
        } else if (type == s_ifreg) {
            auto key = std::make_pair(entry.fields[devmajor] << 32 | entry.fields[devminor], entry.fields[ino]);
            auto linked = links.find(key);
            if (entry.fields[nlink] > 1 && linked != links.end()) {
                TRY(dir.link(leaf, *linked->second));
                if (!entry.data.empty())
                    TRY(write_data(*linked->second, entry.data));
                continue;
            }
            auto file = TRY(dir.create(leaf, permissions, owner));
            TRY(write_data(*file, entry.data));
            if (entry.fields[nlink] > 1)
                links.emplace(key, file);
        } else {
            problem = at_offset(entry_offset, "device or socket entries are not supported");
            return Errno::einval;
        }
        auto made = TRY(dir.lookup(leaf));
        TRY(set_attributes(*made, entry));
    }
}

} // namespace asterix::services
