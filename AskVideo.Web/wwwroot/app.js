// AskVideo's small amount of script: uploads that stream from the browser to this site's
// /api proxy (never through the page's live connection), and the video player's hooks.
window.askvideo = {
    // Uploads each file dropped on dropZone or picked in input, reporting progress to the page.
    attachUploader(dropZone, input, page) {
        let next = 0;
        const start = files => { for (const file of files) upload(file); };
        input.addEventListener('change', () => { start([...input.files]); input.value = ''; });
        dropZone.addEventListener('dragover', e => { e.preventDefault(); dropZone.classList.add('over'); });
        dropZone.addEventListener('dragleave', () => dropZone.classList.remove('over'));
        dropZone.addEventListener('drop', e => {
            e.preventDefault();
            dropZone.classList.remove('over');
            start([...e.dataTransfer.files]);
        });

        function upload(file) {
            const id = ++next;
            page.invokeMethodAsync('UploadStarted', id, file.name, file.size);
            const form = new FormData();
            form.append('file', file, file.name);
            const request = new XMLHttpRequest();
            request.open('POST', '/api/videos/');
            request.setRequestHeader('X-AskVideo-Request', '1');
            let reported = 0;
            request.upload.onprogress = e => {
                const now = Date.now();
                // A few updates a second are enough for a progress bar.
                if (now - reported > 250 || e.loaded === e.total) {
                    reported = now;
                    page.invokeMethodAsync('UploadProgress', id, e.loaded);
                }
            };
            request.onload = () => page.invokeMethodAsync('UploadFinished', id, request.status, request.responseText);
            request.onerror = () => page.invokeMethodAsync('UploadFinished', id, 0, '');
            request.send(form);
        }
        dropZone.dataset.ready = 'true';
    },
};
