import { isDeepStrictEqual } from "node:util";
import type { KubeObject, ResourceName } from "./types.js";

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

export interface StoreEvent {
  type: WatchEventType;
  resource: ResourceName;
  /** The object as of this event; never mutated afterwards. */
  object: KubeObject;
  resourceVersion: number;
}

/** How many events a watch can be resumed from, like the apiserver's watch cache. */
const HISTORY_LIMIT = 1000;

function keyOf(namespace: string | undefined, name: string): string {
  return `${namespace ?? ""}/${name}`;
}

/**
 * Every object of the cluster, with one resourceVersion counter shared by all types (as etcd's revision
 * is) and a bounded history of changes for watches to resume from. Stored objects are replaced, never
 * mutated, so an event keeps the exact state it announced.
 */
export class Store {
  private revision = 0;
  private readonly objects = new Map<ResourceName, Map<string, KubeObject>>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<(event: StoreEvent) => void>();

  get resourceVersion(): number {
    return this.revision;
  }

  /** The oldest resourceVersion a watch may resume from: every later event is still in the history. */
  get oldestResumableVersion(): number {
    const first = this.history[0];
    return first ? first.resourceVersion - 1 : this.revision;
  }

  /** Events newer than `resourceVersion`, oldest first. */
  eventsSince(resourceVersion: number): StoreEvent[] {
    return this.history.filter((e) => e.resourceVersion > resourceVersion);
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get<T extends KubeObject>(
    resource: ResourceName,
    namespace: string | undefined,
    name: string,
  ): T | undefined {
    return this.bucket(resource).get(keyOf(namespace, name)) as T | undefined;
  }

  /** Objects ordered by creation (resourceVersion of their last change is not creation order). */
  list<T extends KubeObject>(resource: ResourceName, namespace?: string): T[] {
    const all = [...this.bucket(resource).values()] as T[];
    return namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
  }

  create<T extends KubeObject>(resource: ResourceName, object: T): T {
    const stored = structuredClone(object);
    stored.metadata.resourceVersion = String(++this.revision);
    this.bucket(resource).set(keyOf(stored.metadata.namespace, stored.metadata.name), stored);
    this.emit("ADDED", resource, stored);
    return stored;
  }

  /** Applies `mutate` to a copy; stores and announces it only if something changed. */
  update<T extends KubeObject>(
    resource: ResourceName,
    namespace: string | undefined,
    name: string,
    mutate: (object: T) => void,
  ): T | undefined {
    const current = this.get<T>(resource, namespace, name);
    if (!current) return undefined;
    const next = structuredClone(current);
    mutate(next);
    if (isDeepStrictEqual(next, current)) return current;
    next.metadata.resourceVersion = String(++this.revision);
    this.bucket(resource).set(keyOf(namespace, name), next);
    this.emit("MODIFIED", resource, next);
    return next;
  }

  remove<T extends KubeObject>(
    resource: ResourceName,
    namespace: string | undefined,
    name: string,
  ): T | undefined {
    const current = this.get<T>(resource, namespace, name);
    if (!current) return undefined;
    this.bucket(resource).delete(keyOf(namespace, name));
    const gone = structuredClone(current);
    gone.metadata.resourceVersion = String(++this.revision);
    this.emit("DELETED", resource, gone);
    return gone;
  }

  private bucket(resource: ResourceName): Map<string, KubeObject> {
    let bucket = this.objects.get(resource);
    if (!bucket) {
      bucket = new Map();
      this.objects.set(resource, bucket);
    }
    return bucket;
  }

  private emit(type: WatchEventType, resource: ResourceName, object: KubeObject): void {
    const event: StoreEvent = { type, resource, object, resourceVersion: this.revision };
    this.history.push(event);
    if (this.history.length > HISTORY_LIMIT) this.history.shift();
    for (const listener of this.listeners) listener(event);
  }
}
