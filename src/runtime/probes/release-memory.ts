/**
 * After bpftrace has compiled and attached its programs, the LLVM and Clang code it compiled them with
 * (about 70 MB of clean, file-backed pages) stays resident although it is not run again. The agent
 * asks the kernel to reclaim those pages with process_madvise(MADV_PAGEOUT) (Linux 5.10+,
 * mm/madvise.c): they are dropped like any clean page cache and fault back in if ever touched.
 *
 * Node has no binding for these system calls, so Debian's always-installed perl (perl-base,
 * Priority: required) makes them: pidfd_open (434) and process_madvise (440) have the same numbers
 * on every architecture (they were added after the syscall tables were unified).
 */
import { spawnSync } from 'node:child_process';

const PAGEOUT_SCRIPT = String.raw`
use strict; use warnings; no warnings 'portable';
my ($pid, @names) = @ARGV;
open(my $maps, '<', "/proc/$pid/maps") or die "cannot read /proc/$pid/maps: $!\n";
my $iov = ''; my $n = 0;
while (my $line = <$maps>) {
  my (undef, undef, undef, undef, undef, $path) = split ' ', $line, 6;
  next unless defined $path;
  chomp $path;
  next unless grep { index($path, $_) >= 0 } @names;
  my ($start, $end) = map { hex } split /-/, (split ' ', $line)[0];
  $iov .= pack('QQ', $start, $end - $start); $n++;
}
exit 0 if $n == 0;
my $pidfd = syscall(434, $pid + 0, 0);
die "pidfd_open: $!\n" if $pidfd < 0;
my $bytes = 0;
for (my $i = 0; $i < $n; $i += 512) {
  my $chunk = substr($iov, $i * 16, 512 * 16);
  my $r = syscall(440, $pidfd, $chunk, int(length($chunk) / 16), 21, 0);
  die "process_madvise: $!\n" if $r < 0;
  $bytes += $r;
}
print "$bytes\n";
`;

/** Libraries bpftrace needs only while compiling. */
const COMPILER_LIBRARIES = ['libLLVM', 'libclang', 'libclang-cpp'];

/**
 * Reclaims the compiler's resident pages in process `pid`. Returns the bytes advised, or the reason
 * it could not (old kernel, no perl): the caller reports it and goes on, it only costs memory.
 */
export function releaseCompilerMemory(pid: number): { bytes: number } | { error: string } {
  const result = spawnSync('perl', ['-e', PAGEOUT_SCRIPT, String(pid), ...COMPILER_LIBRARIES], { encoding: 'utf8', timeout: 10_000 });
  if (result.error) return { error: result.error.message };
  if (result.status !== 0) return { error: (result.stderr || `perl exited ${result.status}`).trim() };
  return { bytes: Number(result.stdout.trim()) || 0 };
}
