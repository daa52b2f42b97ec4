#include "services/fs/anon_file.h"

#include "frame/types.h"

namespace asterix::services {

frame::FileStat anon_file_stat()
{
    frame::FileStat st {};
    st.dev = 0xe;
    st.ino = 1;
    st.mode = 0600;
    st.nlink = 1;
    st.blksize = page_size;
    return st;
}

std::string anon_file_description(const char* kind) { return std::string("anon_inode:[") + kind + "]"; }

} // namespace asterix::services
