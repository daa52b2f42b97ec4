#include "services/fs/terminal.h"

#include <array>
#include <map>
#include <tuple>

#include "services/process/process_table.h"
#include "services/process/signals.h"

namespace asterix::services {

Terminal& console_terminal()
{
    static Terminal terminal;
    return terminal;
}

LineDiscipline& console_line_discipline()
{
    static LineDiscipline line_discipline;
    return line_discipline;
}

frame::WaitQueue& console_readers()
{
    static frame::WaitQueue readers;
    return readers;
}

frame::WaitQueue& console_writers()
{
    static frame::WaitQueue writers;
    return writers;
}

void take_console_input()
{
    auto& line = console_line_discipline();
    std::vector<u8> echo;
    std::array<u8, 256> chunk;
    bool has_input = false;
    for (;;) {
        auto ready = frame::console::bytes_ready(0);
        if (ready.is_error() || ready.value() <= 0)
            break;
        auto got = frame::console::read(0, chunk);
        if (got.is_error() || got.value() == 0)
            break;
        for (u8 byte : std::span(chunk).first(got.value()))
            line.receive(byte, echo);
        has_input = true;
    }
    if (!echo.empty())
        std::ignore = frame::console::write(1, echo); // the line takes all: a serial port does not refuse
    if (u64 signals = line.take_signals())
        forward_console_signals(signals);
    if (has_input) {
        console_readers().wake_all();
        if (!line.is_output_stopped())
            console_writers().wake_all();
    }
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
