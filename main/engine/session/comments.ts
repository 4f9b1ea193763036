// Packet comments of a session. Comments read from the file are the base;
// the user's additions, edits and deletions are kept as overrides per frame,
// so a session can be saved without holding every packet in memory: the
// saver asks `commentsFor(packet)` while streaming packets to the writer.
import type { RawPacket } from '../types';

export class CommentMap {
  private readonly base = new Map<number, string[]>();
  private readonly edits = new Map<number, string[]>();

  /** Record the comments a packet carried in its file (called while reading). */
  loadFromPacket(pkt: RawPacket): void {
    if (pkt.comments?.length) this.base.set(pkt.number, [...pkt.comments]);
  }

  /** Current comments of a frame (empty when none). */
  get(frame: number): string[] {
    return [...(this.edits.get(frame) ?? this.base.get(frame) ?? [])];
  }

  /** Comments to write for this packet: the user's edits, else what the packet had. */
  commentsFor(pkt: RawPacket): string[] {
    const e = this.edits.get(pkt.number);
    if (e) return e;
    return pkt.comments ?? this.base.get(pkt.number) ?? [];
  }

  /** Append a comment; returns its index within the frame's comments. */
  add(frame: number, text: string): number {
    const list = this.get(frame);
    list.push(text);
    this.edits.set(frame, list);
    return list.length - 1;
  }

  edit(frame: number, index: number, text: string): void {
    const list = this.get(frame);
    if (index < 0 || index >= list.length) throw new RangeError(`frame ${frame} has no comment #${index} (it has ${list.length})`);
    list[index] = text;
    this.edits.set(frame, list);
  }

  /** Delete one comment, or all of a frame's comments when index is omitted. */
  delete(frame: number, index?: number): void {
    const list = this.get(frame);
    if (index === undefined) list.length = 0;
    else {
      if (index < 0 || index >= list.length) throw new RangeError(`frame ${frame} has no comment #${index} (it has ${list.length})`);
      list.splice(index, 1);
    }
    this.edits.set(frame, list);
  }

  /** True when the user changed comments since the file was read or saved. */
  get dirty(): boolean {
    return this.edits.size > 0;
  }

  /** Frames that currently have at least one comment, ascending. */
  frames(): number[] {
    const s = new Set<number>();
    for (const [f, l] of this.base) if (l.length && !this.edits.has(f)) s.add(f);
    for (const [f, l] of this.edits) if (l.length) s.add(f);
    return [...s].sort((a, b) => a - b);
  }

  /** After a save, the edits become the base (frame numbers unchanged by a full save). */
  commit(): void {
    for (const [f, l] of this.edits) {
      if (l.length) this.base.set(f, l);
      else this.base.delete(f);
    }
    this.edits.clear();
  }
}
