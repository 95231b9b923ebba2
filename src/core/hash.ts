/** SHA-256 through WebCrypto (Node 20 and browsers alike): a dataset version is the hash of its bytes. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let out = '';
  for (let i = 0; i < digest.length; i++) out += digest[i].toString(16).padStart(2, '0');
  return out;
}
