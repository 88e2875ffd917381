/**
 * startEmulator: one HTTPS origin on 127.0.0.1 serving Entra ID, ARM (Microsoft.MachineLearningServices)
 * and, through the runtime, discovery/run history/logs/MLflow, with Azurite behind it for blobs.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createArmHandler } from './arm/router';
import { BLOB_REQUESTS_PATH, startBlobFront } from './blobFront';
import type { ArmContext } from './arm/context';
import { DEFAULT_PAGE_SIZE } from './arm/paging';
import { defaultStateDir, ensureCertificate, type CertificatePaths } from './certificate';
import type { EmulatorConnection, EmulatorOptions, RouteHandler, RunningEmulator, StorageRuntime } from './contracts';
import { createEntraHandler } from './entra';
import { FaultInjector } from './faults';
import { isRecord, readBody, sendArmError, sendEmpty, sendJson } from './http';
import { createDirectory } from './principals';
import { createJobRuntime, startStorage, uploadBlobs } from './runtime';
import { buildSeed } from './seeds';
import { registerSeededJobs, type SeedSubscription } from './seeds/types';
import { MemoryResourceStore } from './store';
import { TokenIssuer } from './tokens';

export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const stateDir = path.resolve(options.stateDir ?? defaultStateDir);
  mkdirSync(stateDir, { recursive: true });
  const certificate = resolveCertificate(stateDir);
  const workDir = path.join(stateDir, `work-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(workDir, { recursive: true });

  const storage = await startStorage(workDir);
  const faults = new FaultInjector();
  const blobFront = await startBlobFront({
    faults,
    azuriteAccountUrl: storage.blobEndpoint,
    cert: readFileSync(certificate.certPath),
    key: readFileSync(certificate.keyPath),
  }).catch(async (error: unknown) => {
    await storage.stop();
    throw error;
  });
  // Clients get blob addresses on the HTTPS front (datastores, upload URLs); the runtime talks to Azurite.
  const clientStorage: StorageRuntime = {
    ...storage,
    blobEndpoint: blobFront.blobEndpoint,
    hostStyle: { protocol: 'https', endpointSuffix: blobFront.endpointSuffix },
  };
  const directory = createDirectory([]);
  const issuer = new TokenIssuer(directory.tenantId);
  const store = new MemoryResourceStore();

  // Handlers are bound after listen() because they need the origin, which needs the port.
  let dispatch: RouteHandler = async () => false;
  const server = createServer(
    { cert: readFileSync(certificate.certPath), key: readFileSync(certificate.keyPath) },
    (req, res) => {
      void (async () => {
        try {
          const body = await readBody(req);
          const url = new URL(req.url ?? '/', origin);
          if (await faults.handler(req, res, url, body)) return;
          if ((await faults.apply(req, res, url)) === 'handled') return;
          if (await dispatch(req, res, url, body)) return;
          sendArmError(
            res,
            404,
            'NotFound',
            `No HTTP resource was found that matches the request URI '${url.origin}${url.pathname}'.`,
          );
        } catch (error) {
          if (!res.headersSent) sendArmError(res, 500, 'InternalServerError', (error as Error).message);
          else res.destroy();
        }
      })();
    },
  );
  let origin = '';
  try {
    await listen(server, options.port ?? 0);
  } catch (error) {
    await blobFront.stop();
    await storage.stop();
    throw error;
  }
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const seed = buildSeed(options.seed, {
    origin,
    tenantId: directory.tenantId,
    storage: clientStorage,
    createdBy: directory.main.clientId,
  });
  for (const s of seed.subscriptions) directory.main.subscriptions.add(s.subscriptionId.toLowerCase());
  for (const resource of seed.resources) store.put(resource);
  registerSeededJobs(store, seed.jobHistories);
  // Straight to Azurite: the seed's code and data files, before any client can ask for them.
  await uploadBlobs(storage, seed.blobs ?? []);

  // A getter, not a value: PUT /_emulator/page-size applies to run-history queries too.
  const jobRuntime = createJobRuntime({
    store,
    storage,
    origin,
    workDir,
    pageSize: () => armContext.pageSize,
    caCertPath: certificate.certPath,
  });
  for (const info of seed.jobHistories) jobRuntime.seedRunHistory(info.jobId, info);

  const armContext: ArmContext = {
    store,
    subscriptions: seed.subscriptions,
    directory,
    issuer,
    origin,
    pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE,
    jobRuntime,
    storage: clientStorage,
    cancelOperations: new Map(),
  };
  /** Admin route: the blob requests clients sent, so tests in the extension host can count uploads. */
  const blobRequestsHandler: RouteHandler = async (req, res, url) => {
    if (url.pathname !== BLOB_REQUESTS_PATH) return false;
    if (req.method === 'GET') sendJson(res, 200, { requests: blobFront.requests() });
    else sendArmError(res, 405, 'MethodNotAllowed', `GET ${BLOB_REQUESTS_PATH} lists the blob requests.`);
    return true;
  };
  /** Admin route: tests change the ARM page size at run time to exercise paging on small seeds. */
  const pageSizeHandler: RouteHandler = async (req, res, url, body) => {
    if (url.pathname !== '/_emulator/page-size') return false;
    const requested =
      req.method === 'PUT'
        ? Number((JSON.parse(body.toString('utf8') || '{}') as { pageSize?: unknown }).pageSize)
        : NaN;
    if (!Number.isInteger(requested) || requested < 1) {
      sendArmError(res, 400, 'BadRequest', 'PUT a JSON body {"pageSize": <positive integer>}.');
    } else {
      armContext.pageSize = requested;
      sendJson(res, 200, { pageSize: requested });
    }
    return true;
  };
  /**
   * Admin route: tests take the main principal's role on a subscription away (PUT, granted: false) to see
   * 403s, and DELETE restores the seeded roles. A revoked subscription stays in the subscriptions list,
   * as it does when the role is removed below the subscription scope (a deny assignment on its resource
   * groups); every call under it answers 403 AuthorizationFailed.
   */
  const seededRoles = new Set(directory.main.subscriptions);
  const accessHandler: RouteHandler = async (req, res, url, body) => {
    if (url.pathname !== '/_emulator/access') return false;
    if (req.method === 'DELETE') {
      directory.main.subscriptions.clear();
      for (const id of seededRoles) directory.main.subscriptions.add(id);
      directory.main.deniedSubscriptions.clear();
      sendEmpty(res, 204);
    } else if (req.method === 'PUT') {
      const request = parseAccessRequest(body, armContext.subscriptions);
      if (typeof request === 'string') {
        sendArmError(res, 400, 'BadRequest', request);
      } else {
        const key = request.subscriptionId.toLowerCase();
        if (request.granted) {
          directory.main.subscriptions.add(key);
          directory.main.deniedSubscriptions.delete(key);
        } else {
          directory.main.deniedSubscriptions.add(key);
        }
        sendJson(res, 200, request);
      }
    } else {
      sendArmError(res, 405, 'MethodNotAllowed', `The method '${req.method ?? ''}' is not allowed.`);
    }
    return true;
  };
  const handlers: RouteHandler[] = [
    pageSizeHandler,
    blobRequestsHandler,
    accessHandler,
    createEntraHandler(directory, issuer, () => origin),
    createArmHandler(armContext),
    jobRuntime.handle,
  ];
  dispatch = async (req, res, url, body) => {
    for (const handler of handlers) {
      if (await handler(req, res, url, body)) return true;
    }
    return false;
  };
  for (const jobId of seed.jobsToStart) jobRuntime.start(jobId);

  const connection: EmulatorConnection = {
    armEndpoint: origin,
    authorityHost: origin,
    tenantId: directory.tenantId,
    clientId: directory.main.clientId,
    clientSecret: directory.main.secret,
    subscriptionIds: seed.subscriptions.map((s) => s.subscriptionId),
    caCertPath: certificate.certPath,
    blobEndpoint: blobFront.blobEndpoint,
    restrictedClientId: directory.restricted.clientId,
    restrictedClientSecret: directory.restricted.secret,
  };
  writeFileSync(path.join(stateDir, 'connection.json'), `${JSON.stringify(connection, null, 2)}\n`);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await jobRuntime.stop();
      await blobFront.stop();
      await storage.stop();
      rmSync(workDir, { recursive: true, force: true });
    })();
    return stopping;
  };

  return { connection, origin, faults: { add: (rule) => faults.add(rule), clear: () => faults.clear() }, stop };
}

/** The body of PUT /_emulator/access, or the reason it is not acceptable. */
function parseAccessRequest(
  body: Buffer,
  subscriptions: SeedSubscription[],
): { subscriptionId: string; granted: boolean } | string {
  const usage = 'PUT a JSON body {"subscriptionId": "<seeded subscription id>", "granted": true|false}.';
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return usage;
  }
  if (!isRecord(parsed) || typeof parsed.subscriptionId !== 'string' || typeof parsed.granted !== 'boolean') {
    return usage;
  }
  const wanted = parsed.subscriptionId.toLowerCase();
  const seeded = subscriptions.find((s) => s.subscriptionId.toLowerCase() === wanted);
  if (!seeded) return `Subscription '${parsed.subscriptionId}' is not in this seed. ${usage}`;
  return { subscriptionId: seeded.subscriptionId, granted: parsed.granted };
}

/**
 * The certificate clients trust is the one NODE_EXTRA_CA_CERTS names (Node reads it only at startup),
 * so reuse that one when its key sits next to it; otherwise use/generate the state dir's own.
 */
function resolveCertificate(stateDir: string): CertificatePaths {
  const inState = { certPath: path.join(stateDir, 'emulator-ca.pem'), keyPath: path.join(stateDir, 'emulator-ca.key') };
  if (existsSync(inState.certPath) && existsSync(inState.keyPath)) return ensureCertificate(stateDir);
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  if (extra) {
    const keyPath = path.join(path.dirname(extra), 'emulator-ca.key');
    if (existsSync(extra) && existsSync(keyPath)) return { certPath: path.resolve(extra), keyPath };
  }
  return ensureCertificate(stateDir);
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
}

export type { EmulatorConnection, EmulatorOptions, RunningEmulator } from './contracts';
