#include "text/experts.hpp"

namespace tcplife {

const ExpertInfo expert_infos[expert_kind_count] = {
#define TCPLIFE_ANOMALY_EXPERT(name, id, note_bit, group, severity, summary)                                           \
    {"tcplife.expert." id, ExpertGroup::group, ExpertSeverity::severity, summary},
#define TCPLIFE_STEP_EXPERT(name, id, group, severity, summary)                                                        \
    {"tcplife.expert." id, ExpertGroup::group, ExpertSeverity::severity, summary},
    TCPLIFE_ANOMALIES(TCPLIFE_ANOMALY_EXPERT) TCPLIFE_STEP_EXPERTS(TCPLIFE_STEP_EXPERT)
#undef TCPLIFE_ANOMALY_EXPERT
#undef TCPLIFE_STEP_EXPERT
};

} // namespace tcplife
