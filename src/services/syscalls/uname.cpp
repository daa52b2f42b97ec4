// uname

#include <string_view>

#include "services/syscalls/handlers.h"

namespace asterix::services {

namespace {
void set_field(std::array<char, 65>& field, std::string_view text)
{
    field.fill(0);
    std::copy(text.begin(), text.begin() + std::min(text.size(), field.size() - 1), field.begin());
}
} // namespace

Result<long> sys_uname(Context& ctx, UserPtr<abi::Utsname> buf)
{
    abi::Utsname name;
    set_field(name.sysname, "Linux");
    set_field(name.nodename, "asterix");
    set_field(name.release, "6.1.0-asterix");
    set_field(name.version, "#1 SMP PREEMPT_DYNAMIC Asterix");
    set_field(name.machine, "x86_64");
    set_field(name.domainname, "(none)");
    TRY(ctx.user().write(buf, name));
    return 0;
}

} // namespace asterix::services
