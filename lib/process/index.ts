/** What exists once per running process, whichever of Next's bundles asks for it. */
export { processSlot, type ProcessSlot } from './slot';
