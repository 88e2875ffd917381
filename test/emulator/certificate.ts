/**
 * A self-signed CA-style certificate for 127.0.0.1, localhost and the blob front's host-style names
 * (`{account}.blob.core.localhost`), generated once per state dir and reused.
 * Node reads NODE_EXTRA_CA_CERTS only at startup, so test runners generate it first
 * (`tsx test/emulator/certificate.ts`) and point the variable at `certPath`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import path from 'node:path';
import selfsigned from 'selfsigned';

export interface CertificatePaths {
  certPath: string;
  keyPath: string;
}

/** Host names of the blob front (test/emulator/blobFront.ts): `{account}.blob.core.localhost`. */
export const BLOB_FRONT_HOST_PATTERN = '*.blob.core.localhost';

/** `.emulator/` at the repository root (git-ignored). */
export const defaultStateDir = path.resolve(__dirname, '..', '..', '.emulator');

export function ensureCertificate(stateDir: string = defaultStateDir): CertificatePaths {
  mkdirSync(stateDir, { recursive: true });
  const certPath = path.join(stateDir, 'emulator-ca.pem');
  const keyPath = path.join(stateDir, 'emulator-ca.key');
  if (existsSync(certPath) && existsSync(keyPath) && isStillValid(certPath) && coversEveryName(certPath)) {
    return { certPath, keyPath };
  }
  const generated = selfsigned.generate([{ name: 'commonName', value: 'Azure ML Emulator Local CA' }], {
    days: 3650,
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      // cA=true lets the same certificate act as its own trust anchor in NODE_EXTRA_CA_CERTS.
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 2, value: BLOB_FRONT_HOST_PATTERN },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  writeFileSync(keyPath, generated.private, { mode: 0o600 });
  writeFileSync(certPath, generated.cert);
  return { certPath, keyPath };
}

/** A certificate made before the blob front lacks its names; it is replaced rather than reused. */
function coversEveryName(certPath: string): boolean {
  try {
    const cert = new X509Certificate(readFileSync(certPath));
    return (cert.subjectAltName ?? '').split(', ').includes(`DNS:${BLOB_FRONT_HOST_PATTERN}`);
  } catch {
    return false;
  }
}

function isStillValid(certPath: string): boolean {
  try {
    const cert = new X509Certificate(readFileSync(certPath));
    return new Date(cert.validTo).getTime() > Date.now() + 24 * 3600 * 1000;
  } catch {
    return false;
  }
}

if (require.main === module) {
  const stateDir = process.argv[2] ? path.resolve(process.argv[2]) : defaultStateDir;
  const { certPath } = ensureCertificate(stateDir);
  process.stdout.write(`${certPath}\n`);
}
