export declare const DEFAULT_HOST: string;
export declare const DEFAULT_PORT: number;
export declare const MIN_TOKEN_LENGTH: number;
export type ServePlan =
  | { host: string; port: number; token: string | null; generated: boolean; allowedHosts: string; error?: undefined }
  | { error: string; host?: undefined; port?: undefined; token?: undefined; generated?: undefined; allowedHosts?: undefined };
export declare function planServe(env: Record<string, string | undefined>, generate?: () => string): ServePlan;
export declare function isLoopbackHost(host: string): boolean;
export declare function signInAddress(host: string, port: number, machineName: string): string;
