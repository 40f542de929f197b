// A stand-in for Aurora's TLS front door: answers PostgreSQL's SSLRequest with 'S', then speaks TLS with a
// certificate issued by a test CA for a name of our choosing (Aurora's server certificate is issued by the RDS CA
// for names we cannot check offline). After the handshake it answers every chunk with `pong:<chunk>`, so a
// client can tell a completed handshake from a refused one. Certificates come from the openssl CLI.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';

/** PostgreSQL's SSLRequest: length 8, then the code 80877103 (protocol docs, "SSL Session Encryption"). */
const SSL_REQUEST_CODE = 80877103;

export interface TestPki {
  dir: string;
  /** PEM file of the CA the client trusts (plays the RDS CA bundle). */
  caFile: string;
  /** PEM of a server certificate issued by that CA for `serverName` only. */
  serverCert: string;
  serverKey: string;
  /** PEM of a certificate for `serverName` issued by a CA the client does not trust. */
  rogueCert: string;
  rogueKey: string;
  cleanup(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** `openssl` with `command` split on spaces (no argument here contains one). */
function run(dir: string, command: string): void {
  openssl(dir, command.split(' '));
}

function issue(dir: string, ca: string, name: string, serverName: string): void {
  run(dir, `req -new -newkey rsa:2048 -nodes -keyout ${name}.key -out ${name}.csr -subj /CN=${serverName}`);
  writeFileSync(join(dir, `${name}.ext`), `subjectAltName=DNS:${serverName}\n`);
  run(
    dir,
    `x509 -req -in ${name}.csr -CA ${ca}.pem -CAkey ${ca}.key -CAcreateserial -days 2 -out ${name}.pem -extfile ${name}.ext`,
  );
}

function authority(dir: string, name: string): void {
  run(dir, `req -x509 -newkey rsa:2048 -nodes -keyout ${name}.key -out ${name}.pem -days 2 -subj /CN=${name}`);
}

/** A CA, a server certificate it issued for `serverName`, and one for the same name from an untrusted CA. */
export function createTestPki(serverName: string): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'edgecart-pki-'));
  authority(dir, 'trusted-ca');
  authority(dir, 'rogue-ca');
  issue(dir, 'trusted-ca', 'server', serverName);
  issue(dir, 'rogue-ca', 'rogue', serverName);
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return {
    dir,
    caFile: join(dir, 'trusted-ca.pem'),
    serverCert: read('server.pem'),
    serverKey: read('server.key'),
    rogueCert: read('rogue.pem'),
    rogueKey: read('rogue.key'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface TlsPostgres {
  port: number;
  /** Connections whose TLS handshake completed. */
  handshakes(): number;
  close(): Promise<void>;
}

/** Listens on localhost; every connection must start with an SSLRequest, as Aurora (rds.force_ssl) requires. */
export async function startTlsPostgres(cert: string, key: string): Promise<TlsPostgres> {
  let handshakes = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.once('data', (first) => {
      if (first.length < 8 || first.readInt32BE(4) !== SSL_REQUEST_CODE) {
        socket.destroy();
        return;
      }
      socket.write('S');
      const secure = new tls.TLSSocket(socket, { isServer: true, cert, key });
      secure.on('error', () => {});
      secure.once('secure', () => {
        handshakes++;
      });
      secure.on('data', (chunk: Buffer) => secure.write(`pong:${chunk.toString('utf8')}`));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, 'localhost', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    handshakes: () => handshakes,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
