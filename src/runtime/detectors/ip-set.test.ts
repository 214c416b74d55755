import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BlockList } from 'node:net';
import { IpSet, parseCidr } from './ip-set.js';
import { BulkheadError } from '../../errors.js';

/** mulberry32: a small seeded generator so a failing run can be replayed with IPSET_SEED. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seed = Number(process.env['IPSET_SEED'] ?? Date.now() % 1_000_000_007);
console.log(`ip-set differential seed: ${seed} (replay with IPSET_SEED=${seed})`);
const rand = prng(seed);
const int = (n: number): number => Math.floor(rand() * n);

// Text is generated here without the module under test, in the forms people write.
function v4Text(): string {
  // A few /8s so blocks and addresses collide often.
  const first = [10, 192, 1, 203][int(4)]!;
  return [first, int(4), int(256), int(256)].join('.');
}
function v6Text(): string {
  const groups = ['2001', 'db8', int(3).toString(16), int(0x10000).toString(16), '0', '0', int(4).toString(16), int(0x10000).toString(16)];
  if (rand() < 0.5) return groups.join(':');
  return `${groups.slice(0, 4).join(':')}::${groups.slice(6).join(':')}`;
}

interface Block {
  network: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}
function randomBlock(): Block {
  const r = rand();
  if (r < 0.55) return { network: v4Text(), prefix: 8 + int(25), family: 'ipv4' };
  if (r < 0.9) return { network: v6Text(), prefix: 16 + int(113), family: 'ipv6' };
  // IPv4-mapped IPv6 blocks must match plain IPv4 addresses and the reverse.
  return { network: `::ffff:${v4Text()}`, prefix: 96 + 8 + int(25), family: 'ipv6' };
}
function randomAddress(): { address: string; family: 'ipv4' | 'ipv6' } {
  const r = rand();
  if (r < 0.5) return { address: v4Text(), family: 'ipv4' };
  if (r < 0.8) return { address: v6Text(), family: 'ipv6' };
  return { address: `::ffff:${v4Text()}`, family: 'ipv6' };
}

test('has() agrees with net.BlockList on random blocks and addresses', () => {
  for (let round = 0; round < 20; round++) {
    const blocks = Array.from({ length: 1 + int(60) }, randomBlock);
    const reference = new BlockList();
    const set = IpSet.of(blocks.map((b) => `${b.network}/${b.prefix}`));
    for (const b of blocks) reference.addSubnet(b.network, b.prefix, b.family);
    // Probe the blocks' own network addresses too: boundaries are where off-by-one errors live.
    const probes = [...Array.from({ length: 400 }, randomAddress), ...blocks.map((b) => ({ address: b.network, family: b.family }))];
    for (const { address, family } of probes) {
      assert.equal(set.has(address), reference.check(address, family), `seed ${seed} round ${round}: ${address}`);
    }
  }
});

test('lookup() returns the most specific block holding the address', () => {
  for (let round = 0; round < 5; round++) {
    const blocks = Array.from({ length: 1 + int(40) }, randomBlock);
    const set = new IpSet<number>();
    blocks.forEach((b, i) => set.add(`${b.network}/${b.prefix}`, i));
    // One BlockList per block tells which blocks hold an address; the longest prefix must win.
    const singles = blocks.map((b) => {
      const list = new BlockList();
      list.addSubnet(b.network, b.prefix, b.family);
      return list;
    });
    const width = (b: Block): number => (b.family === 'ipv4' ? b.prefix + 96 : b.prefix);
    for (let i = 0; i < 300; i++) {
      const { address, family } = randomAddress();
      const holders = blocks.filter((_, j) => singles[j]!.check(address, family));
      const found = set.lookup(address);
      if (holders.length === 0) {
        assert.equal(found, undefined, `seed ${seed}: ${address}`);
        continue;
      }
      assert.ok(found, `seed ${seed}: ${address} should be found`);
      assert.equal(width(blocks[found.value]!), Math.max(...holders.map(width)), `seed ${seed}: ${address}`);
      assert.ok(singles[found.value]!.check(address, family));
    }
  }
});

test('IPv4-mapped IPv6 addresses match IPv4 blocks', () => {
  const set = IpSet.of(['1.2.3.0/24']);
  assert.equal(set.has('::ffff:1.2.3.4'), true);
  assert.equal(set.has('::ffff:102:304'), true);
  assert.equal(set.has('1.2.4.1'), false);
  assert.equal(set.lookup('::ffff:1.2.3.9')?.entry, '1.2.3.0/24');
});

test('entries are normalised and host bits are cleared', () => {
  const set = IpSet.of(['1.2.3.4/24', '2001:0db8:0000:0000:0000:0000:0000:0001/32', '9.9.9.9']);
  assert.equal(set.lookup('1.2.3.200')?.entry, '1.2.3.0/24');
  assert.equal(set.lookup('2001:db8:ffff::')?.entry, '2001:db8::/32');
  assert.equal(set.lookup('9.9.9.9')?.entry, '9.9.9.9/32');
  assert.equal(set.has('not an address'), false);
});

test('invalid blocks are rejected with INPUT_INVALID naming the text', () => {
  for (const bad of ['1.2.3', '1.2.3.4/33', '::1/129', 'example.com', '1.2.3.4/', '1.2.3.4/-1', '01.2.3.4', ':::1', '1.2.3.4/2x']) {
    assert.throws(
      () => parseCidr(bad),
      (e: unknown) => e instanceof BulkheadError && e.code === 'INPUT_INVALID' && e.message.includes(bad),
      bad,
    );
  }
});
