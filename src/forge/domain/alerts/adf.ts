/** The alert domain writes the shared ADF subset (see ../adf). */
export * from '../adf';
