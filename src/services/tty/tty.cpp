#include "services/tty/tty.h"

#include <algorithm>
#include <vector>

namespace asterix::services {

namespace {
/// Every terminal that exists, to find a session's controlling terminal.
std::vector<Tty*>& all_ttys()
{
    static std::vector<Tty*> all;
    return all;
}
} // namespace

Tty::Tty(std::unique_ptr<TtyDriver> driver) : m_driver(std::move(driver))
{
    m_driver->attach(m_job_control);
    all_ttys().push_back(this);
}

Tty::~Tty() { std::erase(all_ttys(), this); }

Tty* Tty::of_session(i32 sid)
{
    if (sid == 0)
        return nullptr;
    auto& all = all_ttys();
    auto found = std::find_if(all.begin(), all.end(), [sid](Tty* tty) { return tty->job_control().session() == sid; });
    return found == all.end() ? nullptr : *found;
}

} // namespace asterix::services
