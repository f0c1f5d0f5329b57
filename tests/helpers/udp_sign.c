/*
 * udp_sign - signs udp_script lines with a key file, for the tests of
 * keyed heartbeats.
 *
 * Usage: udp_sign KEYFILE < script > script
 * Each line that is not a command of udp_script (@sleep, ...) gets the
 * " mac=" field of the first key of KEYFILE, as udp_sender --key writes
 * it.  Exit status: 0; 1 if a line could not be signed; 2 for a bad
 * KEYFILE or a build without libsodium (said on stderr).
 */
#include <stdio.h>
#include <string.h>

#include "heartbeat.h"
#include "mac.h"

int main(int argc, char **argv)
{
    static struct mac_ring ring;
    char line[HB_MAX_LEN + MAC_FIELD_LEN + 2];
    enum mac_result r = MAC_NO_SODIUM;
    unsigned mode = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: udp_sign KEYFILE < script\n");
        return 2;
    }
    if (mac_init() != MAC_OK || (r = mac_ring_load(&ring, argv[1], &mode)) != MAC_OK) {
        char why[512];

        fprintf(stderr, "udp_sign: %s\n", mac_explain(r, argv[1], mode, 0, why, sizeof(why)));
        return 2;
    }
    while (fgets(line, sizeof(line), stdin) != NULL) {
        size_t len = strlen(line);

        if (line[0] != '@' && (len = mac_sign(&ring.keys[0], line, len, sizeof(line))) == 0) {
            fprintf(stderr, "udp_sign: a line too long to sign\n");
            return 1;
        }
        fputs(line, stdout);
    }
    return 0;
}
