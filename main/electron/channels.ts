// The only IPC channels between the preload and Electron main.
export const CH_CALL = 'xdpscope:call';
export const CH_DIALOG = 'xdpscope:dialog';
export const CH_EVENT = 'xdpscope:event';
export const CH_COMMAND = 'xdpscope:command';
export const CHANNELS = [CH_CALL, CH_DIALOG, CH_EVENT, CH_COMMAND] as const;

/** Capture files a dialog or the command line may open. */
export const CAPTURE_EXTENSIONS = ['pcap', 'pcapng', 'cap', 'gz'];
