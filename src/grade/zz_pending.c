#include "grade.h"
static const struct check none[1];
const struct spec spec_tcp_client = { "tcp-client", "pending", "{port}", none, 0 };
const struct spec spec_udp_sender = { "udp-sender", "pending", "{port}", none, 0 };
const struct spec spec_udp_receiver = { "udp-receiver", "pending", "{port}", none, 0 };
const struct spec spec_ipc = { "ipc", "pending", NULL, none, 0 };
const struct spec spec_threads = { "threads", "pending", NULL, none, 0 };
