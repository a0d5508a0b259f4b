export declare const PEER_HEADER: string;
