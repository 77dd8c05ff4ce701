/*
 * merge-driver.c - runs sw_merge_main() on its own, for tests/t-shard.sh
 * when neither the scenario binary's `merge` mode nor `swarmc merge` is
 * available: `merge-driver a.json b.json ...`.
 */
#include <swarm.h>

int main(int argc, char **argv)
{
    return sw_merge_main(argc, argv);
}
