/* --shard=K/N: the K-th of N disjoint parts of a scan, chosen by a stable
 * hash of each file's path relative to its target, so N clients on N
 * machines (a Kubernetes Indexed Job, a Slurm array, GNU parallel) cover
 * every file exactly once, whatever each one's mount point. */
#ifndef NG_SHARD_H
#define NG_SHARD_H

#include <stdbool.h>

struct shard {
	unsigned k; /* 1 to n */
	unsigned n; /* 0: no sharding */
};

/* Reads "K/N" (1 <= K <= N <= 65536). Returns 0, or -1. */
int shard_parse(const char *s, struct shard *out);

/* True when the file at rel (its path relative to its target; its name
 * for a file named on the command line) is this shard's. */
bool shard_mine(const struct shard *s, const char *rel);

#endif
