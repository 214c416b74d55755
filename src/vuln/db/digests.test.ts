import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { DownloadDigests, parseGoogHash } from './digests.js';

const crc32cOf = (data: Buffer, chunk = data.length) => {
  const d = new DownloadDigests();
  for (let i = 0; i < data.length; i += chunk) d.update(data.subarray(i, i + chunk));
  return Buffer.from(d.finish().crc32c, 'base64').readUInt32BE(0);
};

test('CRC32C matches the RFC 3720 appendix B.4 test vectors, in any chunking', () => {
  const ascending = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
  // RFC 3720 B.4 lists the CRC as transmitted (least significant byte first): aa 36 91 8a, 43 ab a8 62, 4e 79 dd 46.
  assert.equal(crc32cOf(Buffer.alloc(32, 0)), 0x8a9136aa);
  assert.equal(crc32cOf(Buffer.alloc(32, 0xff)), 0x62a8ab43);
  assert.equal(crc32cOf(ascending), 0x46dd794e);
  assert.equal(crc32cOf(ascending, 5), 0x46dd794e);
});

test('MD5 and SHA-256 agree with node:crypto; x-goog-hash parses both parts', () => {
  const data = Buffer.from('all.zip bytes');
  const d = new DownloadDigests();
  d.update(data);
  const got = d.finish();
  assert.equal(got.md5, createHash('md5').update(data).digest('base64'));
  assert.equal(got.sha256, createHash('sha256').update(data).digest('hex'));
  assert.equal(got.bytes, data.length);
  assert.deepEqual(parseGoogHash('crc32c=n03x6A==, md5=Ojk9c3dhfxgoKVVHYwFbHQ=='), { crc32c: 'n03x6A==', md5: 'Ojk9c3dhfxgoKVVHYwFbHQ==' });
  assert.deepEqual(parseGoogHash(null), {});
});
