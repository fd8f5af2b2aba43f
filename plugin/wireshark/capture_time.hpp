// Wireshark's times (nstime_t) to and from the core's capture times: the one
// conversion, saturating like every capture-time computation (conversation/capture_time.hpp).
#pragma once

#include "capture/capture.hpp"

#include <epan/packet.h>

namespace tcplife::wireshark {

inline std::int64_t to_capture_ns(const nstime_t &time)
{
    return capture_time_ns(static_cast<std::int64_t>(time.secs), time.nsecs);
}

// When the frame was captured.
inline std::int64_t frame_time_ns(const packet_info *pinfo)
{
    return to_capture_ns(pinfo->abs_ts);
}

// When the capture's first frame was (relative times count from it).
inline std::int64_t capture_start_ns(const packet_info *pinfo)
{
    return saturating_difference(frame_time_ns(pinfo), to_capture_ns(pinfo->rel_ts));
}

inline nstime_t to_nstime(std::int64_t ns)
{
    nstime_t time;
    time.secs = static_cast<time_t>(ns / ns_per_second);
    time.nsecs = static_cast<int>(ns % ns_per_second);
    return time;
}

} // namespace tcplife::wireshark
