#include "services/net/resolv_conf.h"

#include <vector>

#include "frame/format.h"
#include "frame/log.h"
#include "frame/user_io.h"
#include "services/abi/fcntl.h"
#include "services/abi/stat.h"
#include "services/fs/file.h"
#include "services/fs/inode_file.h"
#include "services/fs/ram_fs.h"
#include "services/fs/vfs.h"
#include "services/net/inet_stack.h"

namespace asterix::services {

namespace {

/// The most of the root's resolv.conf that is read (glibc's resolver reads lines, not a size,
/// but a real one is a few hundred bytes).
constexpr usize max_resolv_conf_bytes = 64 * 1024;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view trimmed(std::string_view text)
{
    while (!text.empty() && is_space(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && is_space(text.back()))
        text.remove_suffix(1);
    return text;
}

/// Whether `address` (the text after "nameserver") is on the host's loopback: 127.0.0.0/8, or
/// ::1 in any of its spellings glibc's inet_pton takes.
bool is_loopback_address(std::string_view address)
{
    if (address.starts_with("127."))
        return true;
    // An IPv6 address may carry a zone ("::1%lo").
    address = address.substr(0, address.find('%'));
    if (address.empty() || address.find(':') == std::string_view::npos)
        return false;
    // ::1 is all zero groups and a last group of 1: "::1", "0::1", "0:0:0:0:0:0:0:1", "::0001".
    std::string_view rest = address;
    bool is_last_one = false;
    while (!rest.empty()) {
        auto colon = rest.find(':');
        std::string_view group = rest.substr(0, colon);
        rest = colon == std::string_view::npos ? std::string_view {} : rest.substr(colon + 1);
        while (group.size() > 1 && group.front() == '0')
            group.remove_prefix(1);
        if (group.empty() || group == "0")
            continue;
        if (group != "1" || !rest.empty())
            return false;
        is_last_one = true;
    }
    return is_last_one;
}

/// The address a "nameserver ADDRESS" line names, or none for another line.
std::optional<std::string_view> nameserver_of(std::string_view line)
{
    line = trimmed(line);
    constexpr std::string_view keyword = "nameserver";
    if (!line.starts_with(keyword) || line.size() == keyword.size() || !is_space(line[keyword.size()]))
        return std::nullopt;
    std::string_view address = trimmed(line.substr(keyword.size()));
    // Anything after the address (a comment) is not part of it.
    usize end = 0;
    while (end < address.size() && !is_space(address[end]) && address[end] != '#' && address[end] != ';')
        ++end;
    return address.substr(0, end);
}

Result<std::string> read_text(const Ref<Dentry>& dentry)
{
    auto file = TRY(dentry->inode().open(dentry, abi::o_rdonly));
    std::vector<u8> bytes(max_resolv_conf_bytes);
    usize done = 0;
    while (done < bytes.size()) {
        auto writer = frame::UserWriter::for_kernel(std::span<u8>(bytes).subspan(done));
        usize n = TRY(file->read_at(done, writer));
        if (n == 0)
            break;
        done += n;
    }
    return std::string(bytes.begin(), bytes.begin() + static_cast<long>(done));
}

} // namespace

std::optional<std::string> resolv_conf_for_nat(std::string_view text, std::string_view nat_dns)
{
    std::string out;
    bool is_changed = false;
    bool has_nat_line = false;
    while (!text.empty()) {
        auto newline = text.find('\n');
        std::string_view line = text.substr(0, newline);
        bool has_newline = newline != std::string_view::npos;
        text = has_newline ? text.substr(newline + 1) : std::string_view {};
        auto address = nameserver_of(line);
        if (address && is_loopback_address(*address)) {
            is_changed = true;
            if (has_nat_line)
                continue;
            has_nat_line = true;
            out += "nameserver ";
            out += nat_dns;
            out += '\n';
            continue;
        }
        out += line;
        if (has_newline)
            out += '\n';
    }
    if (!is_changed)
        return std::nullopt;
    return out;
}

void mount_resolv_conf_for_nat()
{
    auto dns = inet::nat_dns_address();
    if (!dns)
        return;
    auto root = Vfs::root();
    auto at = walk_path(root, root, "/etc/resolv.conf", Follow::follow);
    if (at.is_error() || !at.value()->inode().is_regular())
        return;
    auto text = read_text(at.value());
    if (text.is_error())
        return;
    std::string nat_dns = frame::format("%u.%u.%u.%u", (*dns)[0], (*dns)[1], (*dns)[2], (*dns)[3]);
    auto rewritten = resolv_conf_for_nat(text.value(), nat_dns);
    if (!rewritten)
        return;
    // The file lives alone on a small tmpfs of its own, as the guest's copy.
    auto directory = RamFs::make_tmpfs(max_resolv_conf_bytes * 2);
    auto file = directory->create("resolv.conf", abi::s_ifreg | 0644, Owner {});
    if (file.is_error())
        return;
    FileData* data = file.value()->file_data();
    if (!data)
        return;
    std::vector<u8> bytes(rewritten->begin(), rewritten->end());
    for (usize done = 0; done < bytes.size();) {
        auto reader = frame::UserReader::for_kernel(std::span<const u8>(bytes).subspan(done));
        auto n = data->write_at(done, reader);
        if (n.is_error() || n.value() == 0)
            return;
        done += n.value();
    }
    if (Vfs::mount(at.value(), file.release_value(), "tmpfs", "rw,nosuid,nodev").is_error())
        return;
    frame::klog(frame::Subsystem::fs, frame::LogLevel::info, "/etc/resolv.conf names a resolver on the host's loopback: the guest's names %s", nat_dns.c_str());
}

} // namespace asterix::services
