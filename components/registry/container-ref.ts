/** The container a registry view is about: what podRegistryQuery is keyed by. */
export interface ContainerRef {
  context: string;
  namespace: string;
  pod: string;
  container: string;
}
