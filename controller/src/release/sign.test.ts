import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  generateKeyPair,
  KeyError,
  keyIdOf,
  loadPrivateKey,
  loadPublicKey,
  parseSignature,
  readSignatureFile,
  signatureFileFor,
  SignatureFormatError,
  signDigest,
  verifyBundleFile,
  verifyDigest,
  writeSignatureFile,
} from './sign.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quiver-sign-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const hex = (s: string): string => createHash('sha256').update(s).digest('hex');

describe('keys', () => {
  it('generates PKCS8/SPKI PEM with a key id from the SPKI DER', async () => {
    const kp = generateKeyPair();
    expect(kp.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(kp.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(kp.keyId).toMatch(/^[0-9a-f]{16}$/);
    await writeFile(join(dir, 'k.pub'), kp.publicKeyPem);
    const pub = await loadPublicKey({ file: join(dir, 'k.pub') });
    const der = pub.export({ type: 'spki', format: 'der' });
    expect(kp.keyId).toBe(createHash('sha256').update(der).digest('hex').slice(0, 16));
    expect(keyIdOf(pub)).toBe(kp.keyId);
    expect(generateKeyPair().keyId).not.toBe(kp.keyId);
  });

  it('loads from a file, an env var with the PEM, and an env var with its base64', async () => {
    const kp = generateKeyPair();
    await writeFile(join(dir, 'k'), kp.privateKeyPem);
    const env = { PEM: kp.privateKeyPem, B64: Buffer.from(kp.privateKeyPem).toString('base64'), PUB: Buffer.from(kp.publicKeyPem).toString('base64') };
    for (const src of [{ file: join(dir, 'k') }, { env: 'PEM' }, { env: 'B64' }]) {
      expect(keyIdOf(await loadPrivateKey(src, env))).toBe(kp.keyId);
    }
    expect(keyIdOf(await loadPublicKey({ env: 'PUB' }, env))).toBe(kp.keyId);
  });

  it('explains what is wrong without printing the key', async () => {
    const kp = generateKeyPair();
    const env = { PRIV: kp.privateKeyPem, PUB: kp.publicKeyPem, JUNK: 'not-a-key', EMPTY: '' };
    await expect(loadPrivateKey({ env: 'MISSING' }, env)).rejects.toThrow(/environment variable MISSING is not set/);
    await expect(loadPrivateKey({ env: 'EMPTY' }, env)).rejects.toThrow(/is not set/);
    await expect(loadPrivateKey({ env: 'JUNK' }, env)).rejects.toThrow(/neither a PEM key nor the base64 of one/);
    await expect(loadPrivateKey({ env: 'PUB' }, env)).rejects.toThrow(/holds a public key/);
    const err = await loadPublicKey({ env: 'PRIV' }, env).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeyError);
    expect((err as Error).message).toMatch(/holds a private key/);
    expect((err as Error).message).not.toContain(kp.privateKeyPem.split('\n')[1]);
    await expect(loadPrivateKey({}, env)).rejects.toThrow(/exactly one key source/);
    await expect(loadPublicKey({ file: join(dir, 'absent.pub') })).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses keys that are not ed25519', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const env = {
      PUB: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      PRIV: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
    await expect(loadPublicKey({ env: 'PUB' }, env)).rejects.toThrow(/is a ec key; release keys are ed25519/);
    await expect(loadPrivateKey({ env: 'PRIV' }, env)).rejects.toThrow(/is a ec key/);
  });
});

describe('signatures', () => {
  const kp = generateKeyPair();
  const other = generateKeyPair();
  const env = { PRIV: kp.privateKeyPem, PUB: kp.publicKeyPem, OTHER_PUB: other.publicKeyPem, OTHER_PRIV: other.privateKeyPem };

  it('signs the domain-separated digest, and verifies', async () => {
    const priv = await loadPrivateKey({ env: 'PRIV' }, env);
    const pub = await loadPublicKey({ env: 'PUB' }, env);
    const sig = signDigest(hex('bundle'), priv);
    expect(sig).toMatchObject({ algorithm: 'ed25519', keyId: kp.keyId, digest: `sha256:${hex('bundle')}` });
    expect(Buffer.from(sig.signature, 'base64')).toHaveLength(64);
    // Exactly these bytes are signed: another verifier can reproduce it.
    const { verify } = await import('node:crypto');
    expect(verify(null, Buffer.from(`quiver-bundle-v1:sha256:${hex('bundle')}`), pub, Buffer.from(sig.signature, 'base64'))).toBe(true);
    expect(verify(null, Buffer.from(`sha256:${hex('bundle')}`), pub, Buffer.from(sig.signature, 'base64'))).toBe(false);
    expect(verifyDigest(hex('bundle'), sig, pub)).toEqual({ valid: true, digest: `sha256:${hex('bundle')}`, keyId: kp.keyId });
  });

  it('says why a signature does not verify', async () => {
    const priv = await loadPrivateKey({ env: 'PRIV' }, env);
    const pub = await loadPublicKey({ env: 'PUB' }, env);
    const sig = signDigest(hex('bundle'), priv);
    expect(verifyDigest(hex('tampered'), sig, pub)).toMatchObject({ valid: false, reason: expect.stringMatching(/digest is sha256:.* but the signature is for/) });
    expect(verifyDigest(hex('bundle'), sig, await loadPublicKey({ env: 'OTHER_PUB' }, env))).toMatchObject({
      valid: false,
      reason: `signed by key ${kp.keyId}, not by the given public key ${other.keyId}`,
    });
    const forged = { ...signDigest(hex('bundle'), await loadPrivateKey({ env: 'OTHER_PRIV' }, env)), keyId: kp.keyId };
    expect(verifyDigest(hex('bundle'), forged, pub)).toMatchObject({ valid: false, reason: expect.stringMatching(/altered signature/) });
    const flipped = Buffer.from(sig.signature, 'base64');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(verifyDigest(hex('bundle'), { ...sig, signature: flipped.toString('base64') }, pub).valid).toBe(false);
    expect(() => signDigest('not-hex', priv)).toThrow(SignatureFormatError);
  });

  it('verifies a file by streaming its sha256', async () => {
    const priv = await loadPrivateKey({ env: 'PRIV' }, env);
    const pub = await loadPublicKey({ env: 'PUB' }, env);
    const file = join(dir, 'b.tar.gz');
    await writeFile(file, 'archive bytes');
    const sig = signDigest(hex('archive bytes'), priv);
    expect(await verifyBundleFile(file, sig, pub)).toMatchObject({ valid: true, size: 13 });
    await writeFile(file, 'archive bytez');
    expect(await verifyBundleFile(file, sig, pub)).toMatchObject({ valid: false, size: 13 });
  });

  it('writes and reads the .sig sidecar, refusing malformed ones', async () => {
    const priv = await loadPrivateKey({ env: 'PRIV' }, env);
    const sig = signDigest(hex('x'), priv);
    const path = signatureFileFor(join(dir, 'b.tar.gz'));
    expect(path).toBe(join(dir, 'b.tar.gz.sig'));
    await writeSignatureFile(path, sig);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(sig);
    expect(await readSignatureFile(path)).toEqual(sig);
    expect((await stat(path)).size).toBeLessThan(400);

    await writeFile(path, '{not json');
    await expect(readSignatureFile(path)).rejects.toThrow(/not valid JSON/);
    for (const bad of [[], { ...sig, algorithm: 'rsa' }, { ...sig, keyId: 'xyz' }, { ...sig, signature: 'abc' }, { ...sig, digest: 'md5:00' }]) {
      expect(() => parseSignature(bad)).toThrow(SignatureFormatError);
    }
  });
});
