export declare const DEMO_FIRST_PORT: number;
export declare const DEMO_PORT_TRIES: number;
export type DemoPort = { port: number; note: string | null; error?: undefined } | { error: string; port?: undefined; note?: undefined };
export declare function chooseDemoPort(requested: string | undefined, isFree?: (port: number) => Promise<boolean>): Promise<DemoPort>;
export declare function isLoopbackPortFree(port: number): Promise<boolean>;
export declare function terminalLine(line: string): string | null;
