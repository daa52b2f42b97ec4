#pragma once

namespace asterix::services {

class MemoryMap;

/// The OOM killer: a fault found no memory to back a page of `memory`, so every process using
/// that map dies by SIGKILL, as Linux kills all the processes sharing the victim's mm. Each is
/// logged once; processes already on their way out are left alone.
void oom_kill(const MemoryMap& memory);

} // namespace asterix::services
