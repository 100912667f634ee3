import type { CoreEvent, EventMap, EventName } from './events';

export type EventListener = (event: CoreEvent) => void;

/** Fan-out of core events to every host subscription; a failing listener never stops the others. */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  emit<E extends EventName>(name: E, payload: EventMap[E]): void {
    const event = { name, payload } as CoreEvent;
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A broken subscriber (a closed browser tab, say) must not break a sync or a merge.
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }
}
