#include "services/fs/terminal.h"

#include <map>

#include "services/process/process_table.h"
#include "services/process/signals.h"

namespace asterix::services {

Terminal& console_terminal()
{
    static Terminal terminal;
    return terminal;
}

void forward_console_signals(u64 signals)
{
    i32 group = console_terminal().foreground_pgrp;
    for (int sig = 1; sig < 64; ++sig) {
        if (!(signals & (1ull << sig)))
            continue;
        for (auto& [pid, process] : std::map<i32, Process*>(ProcessTable::all())) {
            if (process->pgid == group && !process->has_exited)
                send_signal(*process, make_signal_info(sig, si_kernel));
        }
    }
}

} // namespace asterix::services
