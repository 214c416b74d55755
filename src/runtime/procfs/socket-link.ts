/**
 * A file descriptor link of a socket reads `socket:[INODE]` (proc(5), /proc/PID/fd); the inode is the
 * one /proc/net/tcp and friends list in their `inode` column.
 */

/** The socket inode named by an fd link, as decimal text; undefined for any other link. */
export function socketInodeFromLink(link: string): string | undefined {
  const match = /^socket:\[(\d+)\]$/.exec(link);
  return match ? match[1] : undefined;
}
