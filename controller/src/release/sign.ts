/**
 * Bundle signatures: ed25519 over the bundle's sha256, node:crypto only
 * (DESIGN §5, §8). The signed bytes carry a domain tag, so a release key
 * signature can never be replayed as a signature over anything else.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { sha256File, writeFileAtomic } from '../store/index.js';

export const SIGNATURE_DOMAIN = 'quiver-bundle-v1';
export const SIGNATURE_SUFFIX = '.sig';

export interface BundleSignature {
  algorithm: 'ed25519';
  /** First 16 hex digits of sha256 over the public key's SPKI DER. */
  keyId: string;
  /** base64 ed25519 signature over `quiver-bundle-v1:sha256:<hex>`. */
  signature: string;
  /** 'sha256:<hex>' of the bundle archive. */
  digest: string;
}

export type VerifyResult =
  | { valid: true; digest: string; keyId: string; size?: number }
  | { valid: false; reason: string; digest?: string; size?: number };

/** A key could not be loaded or is the wrong kind. Messages never contain key material. */
export class KeyError extends Error {
  override readonly name = 'KeyError';
}

/** A signature file or value is malformed. */
export class SignatureFormatError extends Error {
  override readonly name = 'SignatureFormatError';
}

/** Where a key comes from: a PEM file, or an env var holding the PEM or its base64. */
export interface KeySource {
  file?: string;
  env?: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

export function generateKeyPair(): { privateKeyPem: string; publicKeyPem: string; keyId: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
  };
}

/** The key id of a public key, or of the public half of a private key. */
export function keyIdOf(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const der = pub.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

export async function loadPrivateKey(src: KeySource, env: Record<string, string | undefined> = process.env): Promise<KeyObject> {
  const { pem, from } = await readKeyText(src, env);
  if (/-----BEGIN PUBLIC KEY-----/.test(pem)) throw new KeyError(`${from} holds a public key; signing needs the private key (release.key)`);
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch (err) {
    throw new KeyError(`${from} is not a readable private key (${(err as Error).message.split('\n')[0]})`, { cause: err });
  }
  return requireEd25519(key, from);
}

export async function loadPublicKey(src: KeySource, env: Record<string, string | undefined> = process.env): Promise<KeyObject> {
  const { pem, from } = await readKeyText(src, env);
  if (/-----BEGIN (ENCRYPTED |RSA |EC |OPENSSH )?PRIVATE KEY-----/.test(pem)) {
    // Accepting it would work, but it means a private key is being handed around.
    throw new KeyError(`${from} holds a private key; verification needs the public key (release.pub), and the private key should stay with the controller`);
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch (err) {
    throw new KeyError(`${from} is not a readable public key (${(err as Error).message.split('\n')[0]})`, { cause: err });
  }
  return requireEd25519(key, from);
}

async function readKeyText(src: KeySource, env: Record<string, string | undefined>): Promise<{ pem: string; from: string }> {
  if ((src.file === undefined) === (src.env === undefined)) throw new KeyError('give exactly one key source: a file or an environment variable');
  if (src.file !== undefined) {
    // fs errors (ENOENT, EACCES) propagate as they are: they are I/O, not a bad key.
    return { pem: await readFile(src.file, 'utf8'), from: src.file };
  }
  const name = src.env as string;
  const from = `environment variable ${name}`;
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') throw new KeyError(`${from} is not set`);
  if (raw.includes('-----BEGIN')) return { pem: raw, from };
  const decoded = Buffer.from(raw.trim(), 'base64').toString('utf8');
  if (!decoded.includes('-----BEGIN')) throw new KeyError(`${from} holds neither a PEM key nor the base64 of one`);
  return { pem: decoded, from };
}

function requireEd25519(key: KeyObject, from: string): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') throw new KeyError(`${from} is a ${key.asymmetricKeyType ?? 'unknown'} key; release keys are ed25519`);
  return key;
}

function signedMessage(sha256Hex: string): Buffer {
  return Buffer.from(`${SIGNATURE_DOMAIN}:sha256:${sha256Hex}`, 'utf8');
}

export function signDigest(sha256Hex: string, privateKey: KeyObject): BundleSignature {
  const hex = sha256Hex.toLowerCase();
  if (!HEX64.test(hex)) throw new SignatureFormatError(`not a sha256 hex digest: ${JSON.stringify(sha256Hex)}`);
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') throw new KeyError('signing needs an ed25519 private key');
  return {
    algorithm: 'ed25519',
    keyId: keyIdOf(privateKey),
    signature: sign(null, signedMessage(hex), privateKey).toString('base64'),
    digest: `sha256:${hex}`,
  };
}

/** Checks a signature against a digest already computed (e.g. while downloading). */
export function verifyDigest(sha256Hex: string, sig: BundleSignature, publicKey: KeyObject): VerifyResult {
  const hex = sha256Hex.toLowerCase();
  const digest = `sha256:${hex}`;
  if (sig.algorithm !== 'ed25519') return { valid: false, reason: `unsupported signature algorithm ${JSON.stringify(sig.algorithm)}`, digest };
  if (sig.digest !== digest) {
    return { valid: false, reason: `the bundle's digest is ${digest} but the signature is for ${sig.digest} (altered or different bundle)`, digest };
  }
  const keyId = keyIdOf(publicKey);
  let ok = false;
  try {
    ok = verify(null, signedMessage(hex), publicKey, Buffer.from(sig.signature, 'base64'));
  } catch {
    ok = false;
  }
  if (ok) return { valid: true, digest, keyId };
  if (sig.keyId !== keyId) return { valid: false, reason: `signed by key ${sig.keyId}, not by the given public key ${keyId}`, digest };
  return { valid: false, reason: `the signature does not match the digest under key ${keyId} (altered signature)`, digest };
}

/** Recomputes the bundle's sha256 (streaming) and checks the signature. */
export async function verifyBundleFile(path: string, sig: BundleSignature, publicKey: KeyObject): Promise<VerifyResult> {
  const size = (await stat(path)).size;
  const hex = await sha256File(path);
  return { ...verifyDigest(hex, sig, publicKey), size };
}

export function signatureFileFor(bundlePath: string): string {
  return bundlePath + SIGNATURE_SUFFIX;
}

/** Checks the shape of a parsed signature. */
export function parseSignature(value: unknown, from = 'signature'): BundleSignature {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SignatureFormatError(`${from}: not a JSON object`);
  const v = value as Record<string, unknown>;
  if (v['algorithm'] !== 'ed25519') throw new SignatureFormatError(`${from}: algorithm must be "ed25519", got ${JSON.stringify(v['algorithm']) ?? 'nothing'}`);
  if (typeof v['keyId'] !== 'string' || !/^[0-9a-f]{16}$/.test(v['keyId'])) throw new SignatureFormatError(`${from}: keyId must be 16 hex digits`);
  if (typeof v['signature'] !== 'string' || !/^[A-Za-z0-9+/]{86}==$/.test(v['signature'])) {
    throw new SignatureFormatError(`${from}: signature must be a base64 ed25519 signature (64 bytes)`);
  }
  if (typeof v['digest'] !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(v['digest'])) throw new SignatureFormatError(`${from}: digest must be sha256:<64 hex digits>`);
  return { algorithm: 'ed25519', keyId: v['keyId'], signature: v['signature'], digest: v['digest'] };
}

/** Writes the `<bundle>.sig` sidecar (small JSON), atomically. */
export async function writeSignatureFile(path: string, sig: BundleSignature): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(parseSignature(sig), null, 2) + '\n');
}

/** Reads a sidecar; fs errors propagate, a malformed file is a SignatureFormatError. */
export async function readSignatureFile(path: string): Promise<BundleSignature> {
  const text = await readFile(path, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new SignatureFormatError(`${path}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  return parseSignature(parsed, path);
}
