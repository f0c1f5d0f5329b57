/*
 * datagram_batch - datagrams taken from the socket up to 64 at a time,
 * with one recvmmsg(2), so that a flood costs one system call per 64
 * heartbeats instead of one each.  Speed only: to the receiver it is
 * recvfrom(2) in a loop, and reads so in udp_receiver.c.
 */
#include "udp_receiver.h"

#include <errno.h>

void datagram_batch_init(struct datagram_batch *in)
{
    for (int i = 0; i < DATAGRAM_BATCH; i++) {
        in->iov[i] = (struct iovec){ .iov_base = in->bufs[i], .iov_len = sizeof(in->bufs[i]) };
        in->msgs[i].msg_hdr = (struct msghdr){
            .msg_name = &in->from[i], .msg_namelen = sizeof(in->from[i]),
            .msg_iov = &in->iov[i], .msg_iovlen = 1,
        };
    }
    in->n = 0;
}

int datagram_batch_fill(struct datagram_batch *in, int fd)
{
    int n;

    for (int i = 0; i < in->n; i++)
        in->msgs[i].msg_hdr.msg_namelen = sizeof(in->from[i]);  /* the kernel shrank it */
    n = recvmmsg(fd, in->msgs, DATAGRAM_BATCH, MSG_DONTWAIT, NULL);
    in->n = n > 0 ? n : 0;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return 0;
    return n;
}

struct datagram datagram_batch_at(const struct datagram_batch *in, int i)
{
    const struct msghdr *h = &in->msgs[i].msg_hdr;
    size_t len = in->msgs[i].msg_len;

    return (struct datagram){
        .buf = in->bufs[i], .len = len,
        .truncated = len > HB_MAX_LEN || (h->msg_flags & MSG_TRUNC),
        .from = &in->from[i], .fromlen = h->msg_namelen,
    };
}
