// escher-auth ships no types; these are the parts Flowline uses.
declare module 'escher-auth' {
  interface EscherConfig {
    algoPrefix: string;
    vendorKey: string;
    hashAlgo: 'SHA256' | 'SHA512';
    credentialScope: string;
    authHeaderName: string;
    dateHeaderName: string;
    accessKeyId?: string;
    apiSecret?: string;
    clockSkew?: number;
  }
  interface RequestOptions {
    method: string;
    url: string;
    headers: Array<[string, string]>;
    body?: string;
  }
  export default class Escher {
    constructor(config: EscherConfig);
    signRequest(request: RequestOptions, body: string, headersToSign?: string[]): RequestOptions;
    authenticate(request: RequestOptions, keyDB: (accessKeyId: string) => string | undefined, mandatorySignedHeaders?: string[]): string;
  }
}
