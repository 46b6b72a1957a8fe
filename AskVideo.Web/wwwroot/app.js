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

    // Marks the transcript line being played (aria-current) and seeks when a line is clicked.
    attachPlayer(video, transcriptId) {
        const lines = () => transcriptId ? document.querySelectorAll(`#${transcriptId} [data-start]`) : [];
        video.addEventListener('timeupdate', () => {
            let current = null;
            for (const line of lines()) {
                if (Number(line.dataset.start) <= video.currentTime + 0.05) current = line;
            }
            for (const line of lines()) {
                const item = line.closest('li') ?? line;
                if (line === current) item.setAttribute('aria-current', 'true');
                else item.removeAttribute('aria-current');
            }
        });
        if (transcriptId) {
            document.addEventListener('click', e => {
                const line = e.target.closest?.(`#${transcriptId} [data-start]`);
                if (line) window.askvideo.seek(video, Number(line.dataset.start));
            });
        }
        video.dataset.ready = 'true';
    },

    // Seeks and plays; a source that has just changed is given its metadata first.
    seek(video, seconds) {
        const go = () => {
            video.currentTime = seconds;
            video.play().catch(() => { /* autoplay refused: the position is set all the same */ });
        };
        if (video.readyState >= 1) go();
        else video.addEventListener('loadedmetadata', go, { once: true });
    },

    // Drag and drop among the [data-id] items inside container (which outlives the list it holds):
    // tells the page the new order, which it saves and renders (the list is never rearranged here).
    attachReorder(list, page) {
        let dragged = null;
        list.addEventListener('dragstart', e => {
            dragged = e.target.closest('[data-id]');
            e.dataTransfer.effectAllowed = 'move';
            e.dataTransfer.setData('text/plain', dragged?.dataset.id ?? '');
        });
        list.addEventListener('dragover', e => { if (dragged) e.preventDefault(); });
        list.addEventListener('drop', e => {
            e.preventDefault();
            const target = e.target.closest('[data-id]');
            if (!dragged || !target || target === dragged) return;
            const ids = [...list.querySelectorAll('[data-id]')].map(item => Number(item.dataset.id));
            const from = ids.indexOf(Number(dragged.dataset.id));
            const to = ids.indexOf(Number(target.dataset.id));
            ids.splice(from, 1);
            ids.splice(to, 0, Number(dragged.dataset.id));
            dragged = null;
            page.invokeMethodAsync('Reorder', ids);
        });
        list.addEventListener('dragend', () => { dragged = null; });
        list.dataset.ready = 'true';
    },

    async copy(text) {
        try {
            await navigator.clipboard.writeText(text);
            return true;
        } catch {
            return false;
        }
    },
};
